package dev.graft.runtime.kernel;

/** Reductions over axes, and softmax along one axis. */
public final class Reductions {
  private Reductions() {}

  /** Sum over the sorted axes; the result is laid out in the order of the remaining axes. */
  public static float[] sum(float[] x, int[] shape, int[] axes) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Maximum over the sorted axes. */
  public static float[] max(float[] x, int[] shape, int[] axes) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Softmax (or log-softmax when {@code log}) along {@code axis}, computed stably. */
  public static float[] softmax(float[] x, int[] shape, int axis, boolean log) {
    throw new UnsupportedOperationException("TODO");
  }
}
