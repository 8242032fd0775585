package dev.graft.runtime.kernel;

/** Kernels that move data without arithmetic: permute, broadcast, slice, concat, gather. */
public final class Layout {
  private Layout() {}

  /** Output axis {@code i} is input axis {@code perm[i]}. */
  public static float[] permute(float[] x, int[] shape, int[] perm) {
    throw new UnsupportedOperationException("TODO");
  }

  /** NumPy broadcast of {@code x} (shape {@code shape}) to {@code target}. */
  public static float[] broadcastTo(float[] x, int[] shape, int[] target) {
    throw new UnsupportedOperationException("TODO");
  }

  /** The strided box {@code [start, stop) by step} of {@code x}. */
  public static float[] slice(float[] x, int[] shape, int[] start, int[] stop, int[] step) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Zeros of {@code shape} with {@code box} written into the strided box (adjoint of slice). */
  public static float[] scatterSlice(float[] box, int[] shape, int[] start, int[] stop,
      int[] step) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Parts joined along {@code axis} into {@code out}. */
  public static float[] concat(float[][] parts, int[][] shapes, int axis, int[] out) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Rows {@code indices} of {@code x} along axis 0. */
  public static float[] take(float[] x, int[] shape, int[] indices) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Row {@code i} of {@code x} summed into row {@code indices[i]} of {@code rows} zero rows. */
  public static float[] scatterAdd(float[] x, int[] shape, int[] indices, int rows) {
    throw new UnsupportedOperationException("TODO");
  }
}
