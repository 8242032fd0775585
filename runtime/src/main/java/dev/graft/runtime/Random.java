package dev.graft.runtime;

import dev.graft.runtime.kernel.Parallel;

/**
 * Samplers driven by a {@link Key}: the same key and shape give the same tensor everywhere.
 *
 * <p>Element {@code i} of a result depends only on the key and {@code i} (elements {@code 2j} and
 * {@code 2j+1} come from Threefry block {@code j} of the key's sample stream), never on the thread
 * count or on how the index range is split, so large tensors are generated in parallel.
 * Every sample is an inverse CDF of one 32-bit word, and the one transcendental function used is
 * {@link StrictMath#log}, so the numbers are also the same on every platform.
 */
public final class Random {
  /** Elements from which generation is split across the kernel threads. */
  static final int PARALLEL_MIN = 1 << 14;

  private static final ThreadLocal<Boolean> SEQUENTIAL = ThreadLocal.withInitial(() -> false);
  private static final double TWO_POW_M32 = 0x1p-32;

  private Random() {}

  /** Writes the two samples of one Threefry block, {@code out[i]} from word {@code i}. */
  @FunctionalInterface
  interface BlockRule {
    void write(int w0, int w1, float[] out);
  }

  /** Uniform on {@code [low, high)}. */
  public static Tensor uniform(Key key, float low, float high, int... shape) {
    if (!(low <= high) || Float.isInfinite(low) || Float.isInfinite(high)) {
      throw new IllegalArgumentException("uniform: need finite low <= high, got low " + low
          + ", high " + high + " for shape " + Shapes.format(shape));
    }
    double width = (double) high - low;
    float top = low == high ? low : Math.nextDown(high);
    return sample("uniform", key, shape, (w0, w1, out) -> {
      out[0] = Math.min(top, (float) (low + width * unit24(w0)));
      out[1] = Math.min(top, (float) (low + width * unit24(w1)));
    });
  }

  /** Standard normal (by inverting the normal CDF at a 32-bit uniform: |values| stay below 6.4). */
  public static Tensor normal(Key key, int... shape) {
    return sample("normal", key, shape, (w0, w1, out) -> {
      out[0] = (float) Gaussian.quantile(unitOpen(w0));
      out[1] = (float) Gaussian.quantile(unitOpen(w1));
    });
  }

  /** Standard normal truncated to {@code [lower, upper]}. */
  public static Tensor truncatedNormal(Key key, float lower, float upper, int... shape) {
    if (!(lower < upper)) {
      throw new IllegalArgumentException("truncatedNormal: need lower < upper, got lower " + lower
          + ", upper " + upper + " for shape " + Shapes.format(shape));
    }
    // Sample in the tail whose probabilities are small numbers (exact in double), then mirror.
    boolean mirror = lower >= 0;
    double lo = mirror ? -upper : lower;
    double hi = mirror ? -lower : upper;
    double pLo = Gaussian.cdf(lo);
    double pWidth = Gaussian.cdf(hi) - pLo;
    if (!(pWidth > 0)) {
      throw new IllegalArgumentException("truncatedNormal: [" + lower + ", " + upper
          + "] has probability " + pWidth + " under the standard normal, too small to sample");
    }
    return sample("truncatedNormal", key, shape, (w0, w1, out) -> {
      out[0] = truncated(w0, pLo, pWidth, mirror, lower, upper);
      out[1] = truncated(w1, pLo, pWidth, mirror, lower, upper);
    });
  }

  /** {@code 1} with probability {@code p}, else {@code 0}. */
  public static Tensor bernoulli(Key key, float p, int... shape) {
    if (!(p >= 0f && p <= 1f)) {
      throw new IllegalArgumentException("bernoulli: p must be in [0, 1], got " + p
          + " for shape " + Shapes.format(shape));
    }
    double threshold = p * 0x1p32;
    return sample("bernoulli", key, shape, (w0, w1, out) -> {
      out[0] = (w0 & 0xFFFFFFFFL) < threshold ? 1f : 0f;
      out[1] = (w1 & 0xFFFFFFFFL) < threshold ? 1f : 0f;
    });
  }

  /**
   * A uniformly random permutation of {@code 0..n-1} (Fisher–Yates), for example to shuffle a
   * data set each epoch; the same key and {@code n} give the same order.
   */
  public static int[] permutation(Key key, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("permutation: n must be >= 0, got " + n);
    }
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      long h = key.sampleBlock(i);
      // A 64-bit draw scaled to [0, i]: bias below 2^-32, far beneath any sampling error.
      int j = (int) Math.multiplyHigh(h >>> 1, (long) (i + 1) << 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  // ------------------------------------------------------------------ engine

  private static Tensor sample(String op, Key key, int[] shape, BlockRule rule) {
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(op + ": negative dimension in shape "
            + Shapes.format(shape));
      }
    }
    int n = Shapes.size(shape);
    return Tensor.adopt(generate(key, n, rule, !SEQUENTIAL.get()), shape);
  }

  /**
   * Runs {@code body} with every sampler on this thread generating on this thread alone: the
   * single-thread reference path tests compare the parallel path against.
   */
  static <T> T sequentially(java.util.function.Supplier<T> body) {
    boolean before = SEQUENTIAL.get();
    SEQUENTIAL.set(true);
    try {
      return body.get();
    } finally {
      SEQUENTIAL.set(before);
    }
  }

  /** Samples {@code 0..n-1} of {@code key} by {@code rule}, on all threads if {@code parallel}. */
  static float[] generate(Key key, int n, BlockRule rule, boolean parallel) {
    float[] out = new float[n];
    int blocks = n / 2 + (n & 1);
    Parallel.RangeBody body = (from, to) -> fill(key, n, rule, out, from, to);
    if (parallel) {
      Parallel.forRange(blocks, n, PARALLEL_MIN, body);
    } else {
      body.run(0, blocks);
    }
    return out;
  }

  private static void fill(Key key, int n, BlockRule rule, float[] out, int fromBlock,
      int toBlock) {
    float[] pair = new float[2];
    for (int j = fromBlock; j < toBlock; j++) {
      long h = key.sampleBlock(j);
      rule.write(Threefry.high(h), Threefry.low(h), pair);
      int i = 2 * j;
      out[i] = pair[0];
      if (i + 1 < n) {
        out[i + 1] = pair[1];
      }
    }
  }

  /** The top 24 bits of {@code w} as a float in {@code [0, 1)}; every value exact in float32. */
  static double unit24(int w) {
    return (w >>> 8) * 0x1p-24;
  }

  /** {@code w} as a double in the open interval {@code (0, 1)}. */
  static double unitOpen(int w) {
    return ((w & 0xFFFFFFFFL) + 0.5) * TWO_POW_M32;
  }

  private static float truncated(int w, double pLo, double pWidth, boolean mirror, float lower,
      float upper) {
    double x = Gaussian.quantile(pLo + pWidth * unitOpen(w));
    float v = (float) (mirror ? -x : x);
    return Math.max(lower, Math.min(upper, v));
  }
}
