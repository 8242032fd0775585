package dev.graft.runtime;

/** Weight initializers, named and scaled as in PyTorch and JAX. */
public final class Init {
  private Init() {}

  /** All zeros. */
  public static Tensor zeros(int... shape) {
    return Tensor.zeros(shape);
  }

  /** All ones. */
  public static Tensor ones(int... shape) {
    return Tensor.ones(shape);
  }

  /** Uniform on {@code [-bound, bound)}. */
  public static Tensor uniform(Key key, float bound, int... shape) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Normal with mean 0 and standard deviation {@code std}. */
  public static Tensor normal(Key key, float std, int... shape) {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * PyTorch's {@code kaiming_uniform_(a)} in fan-in mode: bound {@code sqrt(6 / ((1 + a²)·fanIn))};
   * with {@code a = √5} that is {@code 1/√fanIn}, the default of Linear and Conv weights.
   */
  public static Tensor kaimingUniform(Key key, double a, int fanIn, int... shape) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Glorot/Xavier uniform: bound {@code sqrt(6 / (fanIn + fanOut))}. */
  public static Tensor xavierUniform(Key key, int fanIn, int fanOut, int... shape) {
    throw new UnsupportedOperationException("TODO");
  }

  /** LeCun normal, truncated at two standard deviations, variance {@code 1/fanIn} (JAX's). */
  public static Tensor lecunNormal(Key key, int fanIn, int... shape) {
    throw new UnsupportedOperationException("TODO");
  }

  /** A {@code (rows, cols)} matrix with orthonormal rows or columns (whichever fewer). */
  public static Tensor orthogonal(Key key, int rows, int cols) {
    throw new UnsupportedOperationException("TODO");
  }
}
