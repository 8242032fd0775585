package dev.graft.runtime.kernel;

/**
 * The exp-based elementwise kernels ({@code exp}, {@code sigmoid}, {@code tanh}) and a softmax
 * row, in blocks of short loops around {@link FloatMath#exp(float[], float[], int)} so that C2
 * vectorizes them: a loop whose body holds the whole function is too long for C2 (JDK 17) to
 * unroll, so the scalar functions ran one element at a time. Every result is bit for bit the
 * scalar function's ({@link FloatMath#exp(float)}, {@link FloatMath#sigmoid}, {@link
 * FloatMath#tanh}; NaN compared as NaN). The softmax row sums its exponentials in double in index
 * order, as before, and scales them by the float reciprocal of the sum.
 */
final class FloatExp {
  /** Elements per block: the scratch arrays stay in the L1 cache. */
  static final int BLOCK = 512;
  private static final int TANH_SMALL_BITS = Float.floatToRawIntBits(0.625f);

  private FloatExp() {}

  /** {@code e^x} of {@code x[from, to)} into {@code out}. */
  static void exp(float[] x, float[] out, int from, int to) {
    float[] v = new float[BLOCK];
    float[] k = new float[BLOCK];
    for (int start = from; start < to; start += BLOCK) {
      int n = Math.min(BLOCK, to - start);
      System.arraycopy(x, start, v, 0, n);
      FloatMath.exp(v, k, n);
      System.arraycopy(v, 0, out, start, n);
    }
  }

  /** {@code 1 / (1 + e^-x)} of {@code x[from, to)} into {@code out}. */
  static void sigmoid(float[] x, float[] out, int from, int to) {
    float[] v = new float[BLOCK];
    float[] k = new float[BLOCK];
    for (int start = from; start < to; start += BLOCK) {
      int n = Math.min(BLOCK, to - start);
      for (int i = 0; i < n; i++) {
        v[i] = -x[start + i];
      }
      FloatMath.exp(v, k, n);
      for (int i = 0; i < n; i++) {
        out[start + i] = 1f / (1f + v[i]);
      }
    }
  }

  /**
   * {@code tanh x} of {@code x[from, to)} into {@code out}: both of the scalar function's pieces
   * (the odd polynomial below 0.625, {@code 1 - 2/(e^{2|x|} + 1)} with x's sign above) computed
   * for every element and one picked by a bit mask instead of a branch.
   */
  static void tanh(float[] x, float[] out, int from, int to) {
    float[] v = new float[BLOCK];
    float[] k = new float[BLOCK];
    for (int start = from; start < to; start += BLOCK) {
      int n = Math.min(BLOCK, to - start);
      for (int i = 0; i < n; i++) {
        v[i] = 2f * Math.abs(x[start + i]);
      }
      FloatMath.exp(v, k, n);
      for (int i = 0; i < n; i++) {
        float xi = x[start + i];
        int xb = Float.floatToRawIntBits(xi);
        float z = xi * xi;
        float small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f)
            * z + 1.33314422036e-1f) * z - 3.33332819422e-1f) * z * xi + xi;
        int big = Float.floatToRawIntBits(1f - 2f / (v[i] + 1f)) ^ xb & 0x80000000;
        int isSmall = (xb & 0x7FFFFFFF) - TANH_SMALL_BITS >> 31; // all ones when |x| < 0.625
        out[start + i] = Float.intBitsToFloat(Float.floatToRawIntBits(small) & isSmall
            | big & ~isSmall);
      }
    }
  }

  /**
   * Softmax (or log-softmax) of the contiguous row {@code x[from, from + n)} into {@code out}:
   * the maximum, then {@code e^(x - max)} in blocks summed in double in index order, then the
   * normalization (softmax: times the reciprocal of the sum rounded to float). {@code v} and
   * {@code k} are scratch of {@link #BLOCK} floats each.
   */
  static void softmaxRow(float[] x, float[] out, int from, int n, boolean log, float[] v,
      float[] k) {
    int end = from + n;
    float mx = Float.NEGATIVE_INFINITY;
    for (int i = from; i < end; i++) {
      mx = Math.max(mx, x[i]);
    }
    double sum = 0;
    for (int start = from; start < end; start += BLOCK) {
      int b = Math.min(BLOCK, end - start);
      for (int i = 0; i < b; i++) {
        v[i] = x[start + i] - mx;
      }
      FloatMath.exp(v, k, b);
      for (int i = 0; i < b; i++) {
        sum += v[i];
      }
      if (!log) {
        System.arraycopy(v, 0, out, start, b);
      }
    }
    if (log) {
      double ls = Math.log(sum);
      for (int i = from; i < end; i++) {
        out[i] = (float) (x[i] - mx - ls);
      }
    } else {
      // In float, so C2 vectorizes it (a double product per element, converted back, stayed
      // scalar and took 4x the time of the exp); within one ulp of the double product.
      float inv = (float) (1.0 / sum);
      for (int i = from; i < end; i++) {
        out[i] *= inv;
      }
    }
  }
}
