package dev.graft.runtime.kernel;

import dev.graft.runtime.Primitive;

/** Elementwise kernels: unary maps, broadcasting binary maps and select. */
public final class Elementwise {
  private Elementwise() {}

  /** {@code p} applied to every value of {@code x}; a fresh array. */
  public static float[] unary(Primitive p, float[] x) {
    throw new UnsupportedOperationException("TODO " + p);
  }

  /** {@code p} of {@code a} and {@code b} broadcast to {@code out}; a fresh array. */
  public static float[] binary(Primitive p, float[] a, int[] aShape, float[] b, int[] bShape,
      int[] out) {
    throw new UnsupportedOperationException("TODO " + p);
  }

  /** {@code a[i]} where {@code cond[i] != 0}, else {@code b[i]}; all the same length. */
  public static float[] where(float[] cond, float[] a, float[] b) {
    throw new UnsupportedOperationException("TODO where");
  }
}
