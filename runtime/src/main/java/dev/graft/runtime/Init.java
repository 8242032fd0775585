package dev.graft.runtime;

/** Weight initializers, named and scaled as in PyTorch and JAX. */
public final class Init {
  /**
   * Standard deviation of a standard normal truncated to {@code [-2, 2]}; dividing by it keeps
   * the variance of {@link #lecunNormal} at {@code 1/fanIn}, as JAX's variance scaling does.
   */
  static final double TRUNCATED_STD = 0.87962566103423978;

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
    if (!(bound >= 0) || Float.isInfinite(bound)) {
      throw new IllegalArgumentException("Init.uniform: bound must be finite and >= 0, got "
          + bound + " for shape " + Shapes.format(shape));
    }
    return Random.uniform(key, -bound, bound, shape);
  }

  /** Normal with mean 0 and standard deviation {@code std}. */
  public static Tensor normal(Key key, float std, int... shape) {
    if (!(std >= 0) || Float.isInfinite(std)) {
      throw new IllegalArgumentException("Init.normal: std must be finite and >= 0, got " + std
          + " for shape " + Shapes.format(shape));
    }
    return scaled(Random.normal(key, shape), std);
  }

  /**
   * PyTorch's {@code kaiming_uniform_(a)} in fan-in mode: bound {@code sqrt(6 / ((1 + a²)·fanIn))};
   * with {@code a = √5} that is {@code 1/√fanIn}, the default of Linear and Conv weights.
   */
  public static Tensor kaimingUniform(Key key, double a, int fanIn, int... shape) {
    requireFan("kaimingUniform", "fanIn", fanIn, shape);
    if (!Double.isFinite(a)) {
      throw new IllegalArgumentException("Init.kaimingUniform: a must be finite, got " + a);
    }
    float bound = (float) Math.sqrt(6.0 / ((1.0 + a * a) * fanIn));
    return Random.uniform(key, -bound, bound, shape);
  }

  /** Glorot/Xavier uniform: bound {@code sqrt(6 / (fanIn + fanOut))}. */
  public static Tensor xavierUniform(Key key, int fanIn, int fanOut, int... shape) {
    requireFan("xavierUniform", "fanIn", fanIn, shape);
    requireFan("xavierUniform", "fanOut", fanOut, shape);
    float bound = (float) Math.sqrt(6.0 / ((double) fanIn + fanOut));
    return Random.uniform(key, -bound, bound, shape);
  }

  /** LeCun normal, truncated at two standard deviations, variance {@code 1/fanIn} (JAX's). */
  public static Tensor lecunNormal(Key key, int fanIn, int... shape) {
    requireFan("lecunNormal", "fanIn", fanIn, shape);
    double std = Math.sqrt(1.0 / fanIn) / TRUNCATED_STD;
    return scaled(Random.truncatedNormal(key, -2f, 2f, shape), std);
  }

  /**
   * A {@code (rows, cols)} matrix with orthonormal rows or columns (whichever fewer).
   *
   * <p>As JAX and PyTorch: the QR factorization of a standard normal {@code (max, min)} matrix,
   * with column signs fixed by {@code R}'s diagonal so the result is Haar-distributed, transposed
   * when {@code rows < cols}.
   */
  public static Tensor orthogonal(Key key, int rows, int cols) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("Init.orthogonal: negative shape (" + rows + ", " + cols
          + ")");
    }
    int tall = Math.max(rows, cols);
    int narrow = Math.min(rows, cols);
    float[] g = Random.normal(key, tall, narrow).data();
    double[] a = new double[g.length];
    for (int i = 0; i < g.length; i++) {
      a[i] = g[i];
    }
    double[] q = Householder.factor(a, tall, narrow).q(); // (tall, narrow)
    float[] out = new float[q.length];
    if (rows >= cols) {
      for (int i = 0; i < q.length; i++) {
        out[i] = (float) q[i];
      }
    } else {
      for (int i = 0; i < tall; i++) {
        for (int j = 0; j < narrow; j++) {
          out[j * tall + i] = (float) q[i * narrow + j];
        }
      }
    }
    return Tensor.adopt(out, rows, cols);
  }

  private static void requireFan(String op, String name, int fan, int[] shape) {
    if (fan < 1) {
      throw new IllegalArgumentException("Init." + op + ": " + name + " must be >= 1, got " + fan
          + " for shape " + Shapes.format(shape));
    }
  }

  private static Tensor scaled(Tensor t, double c) {
    float[] d = t.data();
    float[] out = new float[d.length];
    float f = (float) c;
    for (int i = 0; i < d.length; i++) {
      out[i] = d[i] * f;
    }
    return Tensor.adopt(out, t.shapeRef());
  }
}
