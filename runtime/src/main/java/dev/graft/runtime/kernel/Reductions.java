package dev.graft.runtime.kernel;

/** Reductions over axes, and softmax along one axis. */
public final class Reductions {
  private static final long PARALLEL_MIN = Elementwise.PARALLEL_MIN;
  /** Columns one task handles when reducing over a middle axis. */
  private static final int BLOCK = 512;

  private Reductions() {}

  /** Sum over the sorted axes; the result is laid out in the order of the remaining axes. */
  public static float[] sum(float[] x, int[] shape, int[] axes) {
    return reduce(x, shape, axes, false);
  }

  /** Maximum over the sorted axes. */
  public static float[] max(float[] x, int[] shape, int[] axes) {
    return reduce(x, shape, axes, true);
  }

  /**
   * Reduces the axes group by group, last group first: each maximal run of adjacent reduced axes
   * is one {@code (outer, n, inner)} reduction over its middle axis.
   */
  private static float[] reduce(float[] x, int[] shape, int[] axes, boolean max) {
    boolean[] red = new boolean[shape.length];
    for (int a : axes) {
      red[a] = true;
    }
    int[] s = shape.clone();
    float[] cur = x;
    int d = s.length - 1;
    boolean reducedOnce = false;
    while (d >= 0) {
      if (!red[d]) {
        d--;
        continue;
      }
      int end = d;
      while (d >= 0 && red[d]) {
        d--;
      }
      // Axes d+1 .. end form one group.
      int outer = 1;
      for (int i = 0; i <= d; i++) {
        outer *= s[i];
      }
      int n = 1;
      for (int i = d + 1; i <= end; i++) {
        n *= s[i];
        s[i] = 1;
      }
      int inner = 1;
      for (int i = end + 1; i < s.length; i++) {
        inner *= s[i];
      }
      cur = max ? maxMiddle(cur, outer, n, inner) : sumMiddle(cur, outer, n, inner);
      reducedOnce = true;
    }
    return reducedOnce ? cur : cur.clone();
  }

  /** {@code out[p, m] = sum_j x[p, j, m]}, accumulating in double. */
  static float[] sumMiddle(float[] x, int outer, int n, int inner) {
    float[] out = new float[outer * inner];
    if (out.length == 0) {
      return out;
    }
    if (inner == 1) {
      int parts = rowParts(outer, n);
      if (parts > 1) {
        // Few long rows (a full reduction): each row split across threads, partials combined.
        double[] partial = new double[outer * parts];
        Parallel.forRange(outer * parts, (long) outer * n, PARALLEL_MIN, (from, to) -> {
          for (int t = from; t < to; t++) {
            int p = t / parts;
            int j0 = (int) ((long) n * (t % parts) / parts);
            int j1 = (int) ((long) n * (t % parts + 1) / parts);
            partial[t] = sumRow(x, p * n + j0, j1 - j0);
          }
        });
        for (int p = 0; p < outer; p++) {
          double acc = 0;
          for (int k = 0; k < parts; k++) {
            acc += partial[p * parts + k];
          }
          out[p] = (float) acc;
        }
        return out;
      }
      Parallel.forRange(outer, (long) outer * n, PARALLEL_MIN, (from, to) -> {
        for (int p = from; p < to; p++) {
          out[p] = (float) sumRow(x, p * n, n);
        }
      });
      return out;
    }
    int blocks = columnBlocks(outer, inner);
    int width = (inner + blocks - 1) / blocks;
    Parallel.forRange(outer * blocks, (long) outer * n * inner, PARALLEL_MIN, (from, to) -> {
      double[] acc = new double[width];
      for (int t = from; t < to; t++) {
        int p = t / blocks;
        int m0 = (t % blocks) * width;
        int w = Math.min(width, inner - m0);
        java.util.Arrays.fill(acc, 0.0);
        int base = p * n * inner + m0;
        for (int j = 0; j < n; j++) {
          int o = base + j * inner;
          for (int m = 0; m < w; m++) {
            acc[m] += x[o + m];
          }
        }
        int dst = p * inner + m0;
        for (int m = 0; m < w; m++) {
          out[dst + m] = (float) acc[m];
        }
      }
    });
    return out;
  }

  /** Pieces to cut each of {@code outer} rows of length {@code n} into, so all threads get work. */
  private static int rowParts(int outer, int n) {
    if (outer >= Parallel.THREADS || (long) outer * n < PARALLEL_MIN) {
      return 1;
    }
    return Math.max(1, Math.min((Parallel.THREADS + outer - 1) / outer, n / 4096));
  }

  /**
   * Column blocks per outer index for a reduction over a middle axis: enough tasks for every
   * thread, each at least 64 and at most {@link #BLOCK} columns wide.
   */
  private static int columnBlocks(int outer, int inner) {
    int byThreads = (2 * Parallel.THREADS + outer - 1) / outer;
    int most = (inner + 63) / 64;
    int least = (inner + BLOCK - 1) / BLOCK;
    return Math.max(least, Math.min(most, byThreads));
  }

  private static double sumRow(float[] x, int from, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += x[from + i];
      s1 += x[from + i + 1];
      s2 += x[from + i + 2];
      s3 += x[from + i + 3];
    }
    for (; i < n; i++) {
      s0 += x[from + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** {@code out[p, m] = max_j x[p, j, m]}; NaN propagates. */
  static float[] maxMiddle(float[] x, int outer, int n, int inner) {
    float[] out = new float[outer * inner];
    if (out.length == 0) {
      return out;
    }
    java.util.Arrays.fill(out, Float.NEGATIVE_INFINITY);
    if (inner == 1) {
      int parts = rowParts(outer, n);
      float[] partial = new float[outer * parts];
      Parallel.forRange(outer * parts, (long) outer * n, PARALLEL_MIN, (from, to) -> {
        for (int t = from; t < to; t++) {
          int p = t / parts;
          int j = p * n + (int) ((long) n * (t % parts) / parts);
          int e = p * n + (int) ((long) n * (t % parts + 1) / parts);
          float m = Float.NEGATIVE_INFINITY;
          for (; j < e; j++) {
            m = Math.max(m, x[j]);
          }
          partial[t] = m;
        }
      });
      for (int p = 0; p < outer; p++) {
        for (int k = 0; k < parts; k++) {
          out[p] = Math.max(out[p], partial[p * parts + k]);
        }
      }
      return out;
    }
    int blocks = columnBlocks(outer, inner);
    int width = (inner + blocks - 1) / blocks;
    Parallel.forRange(outer * blocks, (long) outer * n * inner, PARALLEL_MIN, (from, to) -> {
      for (int t = from; t < to; t++) {
        int p = t / blocks;
        int m0 = (t % blocks) * width;
        int w = Math.min(width, inner - m0);
        int base = p * n * inner + m0;
        int dst = p * inner + m0;
        for (int j = 0; j < n; j++) {
          int o = base + j * inner;
          for (int m = 0; m < w; m++) {
            out[dst + m] = Math.max(out[dst + m], x[o + m]);
          }
        }
      }
    });
    return out;
  }

  /** Softmax (or log-softmax when {@code log}) along {@code axis}, computed stably. */
  public static float[] softmax(float[] x, int[] shape, int axis, boolean log) {
    int outer = product(shape, 0, axis);
    int n = shape[axis];
    int inner = product(shape, axis + 1, shape.length);
    float[] out = new float[x.length];
    if (x.length == 0) {
      return out;
    }
    long work = (long) x.length * 8;
    if (inner == 1) {
      Parallel.forRange(outer, work, PARALLEL_MIN, (from, to) -> {
        float[] v = new float[FloatExp.BLOCK];
        float[] k = new float[FloatExp.BLOCK];
        for (int p = from; p < to; p++) {
          FloatExp.softmaxRow(x, out, p * n, n, log, v, k);
        }
      });
      return out;
    }
    int blocks = columnBlocks(outer, inner);
    int width = (inner + blocks - 1) / blocks;
    Parallel.forRange(outer * blocks, work, PARALLEL_MIN, (from, to) -> {
      float[] mx = new float[width];
      double[] sum = new double[width];
      for (int t = from; t < to; t++) {
        int p = t / blocks;
        int m0 = (t % blocks) * width;
        int w = Math.min(width, inner - m0);
        int base = p * n * inner + m0;
        java.util.Arrays.fill(mx, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(sum, 0.0);
        for (int j = 0; j < n; j++) {
          int o = base + j * inner;
          for (int m = 0; m < w; m++) {
            mx[m] = Math.max(mx[m], x[o + m]);
          }
        }
        for (int j = 0; j < n; j++) {
          int o = base + j * inner;
          for (int m = 0; m < w; m++) {
            float e = FloatMath.exp(x[o + m] - mx[m]);
            sum[m] += e;
            if (!log) {
              out[o + m] = e;
            }
          }
        }
        for (int m = 0; m < w; m++) {
          sum[m] = log ? Math.log(sum[m]) : 1.0 / sum[m];
        }
        for (int j = 0; j < n; j++) {
          int o = base + j * inner;
          for (int m = 0; m < w; m++) {
            out[o + m] = log ? (float) (x[o + m] - mx[m] - sum[m]) : (float) (out[o + m] * sum[m]);
          }
        }
      }
    });
    return out;
  }

  private static int product(int[] shape, int from, int to) {
    int p = 1;
    for (int i = from; i < to; i++) {
      p *= shape[i];
    }
    return p;
  }
}
