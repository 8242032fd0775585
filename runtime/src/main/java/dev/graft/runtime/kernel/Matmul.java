package dev.graft.runtime.kernel;

/** Batched float32 matrix multiplication. */
public final class Matmul {
  private Matmul() {}

  /**
   * {@code op(a) · op(b)} where {@code op} transposes the last two axes when asked, with the
   * leading (batch) axes broadcast; {@code out} is the result's shape.
   */
  public static float[] matmul(float[] a, int[] aShape, boolean transposeA, float[] b,
      int[] bShape, boolean transposeB, int[] out) {
    throw new UnsupportedOperationException("TODO");
  }
}
