package dev.graft.runtime.kernel;

import dev.graft.runtime.Params;

/** The patch extraction under convolution, and its adjoint. */
public final class Im2col {
  private Im2col() {}

  /**
   * {@code x (n, c, *g.spatial)} to columns {@code (n, c·prod(kernel), prod(outSpatial))}; row
   * index is {@code ci·K + kernel position} (row-major over kernel axes).
   */
  public static float[] im2col(float[] x, int n, int c, Params.ConvGeometry g) {
    throw new UnsupportedOperationException("TODO");
  }

  /** The adjoint of {@link #im2col}: columns summed back into {@code (n, c, *g.spatial)}. */
  public static float[] col2im(float[] cols, int n, int c, Params.ConvGeometry g) {
    throw new UnsupportedOperationException("TODO");
  }
}
