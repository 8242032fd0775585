package dev.graft.runtime.kernel;

/**
 * Float32 error function and exact GELU for the elementwise kernels. Near zero an odd Maclaurin
 * polynomial keeps the relative accuracy of {@code erf}; elsewhere {@code erfc} goes through
 * Numerical Recipes' Chebyshev fit {@code t·exp(-z² + P(t))}, {@code t = 1/(1 + z/2)} (fractional
 * error below {@code 1.2e-7}), evaluated in float with fused multiply-adds and the float
 * {@link FloatMath#exp}. The exponent's {@code -z²} is kept exact and the rounding error of
 * {@code -z² + P(t)} is applied as a factor {@code (1 + e)}, because {@code exp} turns an absolute
 * error in its argument into a relative error in its result.
 */
final class FloatErf {
  /** Below this argument, erf is the Maclaurin polynomial; from it, {@code 1 - erfc}. */
  private static final float SMALL = 0.75f;
  /** Elements per block of the array GELU. */
  private static final int BLOCK = 512;
  private static final int SMALL_BITS = Float.floatToRawIntBits(SMALL);

  private FloatErf() {}

  /** {@code erf(x)}, odd, {@code ±1} at {@code ±inf}, NaN for NaN. */
  static float erf(float x) {
    float a = Math.abs(x);
    if (a < SMALL) {
      return x * smallPolynomial(x * x);
    }
    float c = a > 10.5f ? 10.5f : a; // erfc(10.5) is below float's least value; NaN stays
    return Math.copySign(1f - erfc(c, -c, c), x);
  }

  /**
   * Exact GELU {@code x·Φ(x)} through {@code h = Φ(-|x|) = erfc(|x|/√2)/2}: {@code x·h} for
   * negative {@code x} (the left tail keeps its relative accuracy), {@code x - x·h} otherwise.
   */
  static float gelu(float x) {
    float a = Math.abs(x);
    float c = a > 15f ? 15f : a; // Φ(-15) is below float's least value; NaN stays
    float h = 0.5f * erfc(c * 0.70710678f, -0.5f * c, c);
    return x < 0 ? x * h : x - c * h; // c, not x: +inf - inf·0 would be NaN
  }

  /**
   * {@link #gelu(float)} of {@code x[from, to)} into {@code out}, bit for bit, in blocks: each
   * step is its own short loop over the block, because C2 (JDK 17) vectorizes a loop only when its
   * body is small enough to unroll, and the whole GELU in one body is not.
   */
  static void gelu(float[] x, float[] out, int from, int to) {
    float[] c = new float[BLOCK];
    float[] t = new float[BLOCK];
    float[] v = new float[BLOCK];
    float[] e = new float[BLOCK];
    float[] k = new float[BLOCK];
    for (int start = from; start < to; start += BLOCK) {
      int n = Math.min(BLOCK, to - start);
      for (int i = 0; i < n; i++) {
        float ci = Math.min(Math.abs(x[start + i]), 15f);
        c[i] = ci;
        t[i] = 1f / (1f + 0.5f * (ci * 0.70710678f));
      }
      expOfExponent(c, t, v, e, k, n, -0.5f);
      for (int i = 0; i < n; i++) {
        float xi = x[start + i];
        float h = 0.5f * (t[i] * v[i] * (1f + e[i]));
        int negative = Float.floatToRawIntBits(xi) >> 31; // all ones when the sign bit is set
        int below = Float.floatToRawIntBits(xi * h);
        int above = Float.floatToRawIntBits(xi - c[i] * h);
        out[start + i] = Float.intBitsToFloat(below & negative | above & ~negative);
      }
    }
  }

  /** {@link #erf(float)} of {@code x[from, to)} into {@code out}, bit for bit, in blocks as GELU. */
  static void erf(float[] x, float[] out, int from, int to) {
    float[] c = new float[BLOCK];
    float[] t = new float[BLOCK];
    float[] v = new float[BLOCK];
    float[] e = new float[BLOCK];
    float[] k = new float[BLOCK];
    for (int start = from; start < to; start += BLOCK) {
      int n = Math.min(BLOCK, to - start);
      for (int i = 0; i < n; i++) {
        float ci = Math.min(Math.abs(x[start + i]), 10.5f);
        c[i] = ci;
        t[i] = 1f / (1f + 0.5f * ci);
      }
      expOfExponent(c, t, v, e, k, n, -1f);
      for (int i = 0; i < n; i++) {
        float xi = x[start + i];
        int xb = Float.floatToRawIntBits(xi);
        int big = Float.floatToRawIntBits(1f - t[i] * v[i] * (1f + e[i])) & 0x7FFFFFFF
            | xb & 0x80000000;
        int small = Float.floatToRawIntBits(xi * smallPolynomial(xi * xi));
        int isSmall = (xb & 0x7FFFFFFF) - SMALL_BITS >> 31; // all ones when |x| < SMALL
        out[start + i] = Float.intBitsToFloat(small & isSmall | big & ~isSmall);
      }
    }
  }

  /**
   * The shared middle step of the block kernels: {@code v = exp(m·c² + P(t))} with {@code m =
   * scale·c}, and in {@code e} the rounding error of that exponent ({@code m·c} split exactly by a
   * fused multiply-add), which the caller applies as the factor {@code 1 + e}; {@code k} is
   * scratch for {@link FloatMath#exp(float[], float[], int)}.
   */
  private static void expOfExponent(float[] c, float[] t, float[] v, float[] e, float[] k, int n,
      float scale) {
    for (int i = 0; i < n; i++) {
      float ci = c[i];
      float m = scale * ci;
      float p = erfcPolynomial(t[i]);
      float hi = m * ci;
      float lo = Math.fma(m, ci, -hi);
      float vi = hi + p;
      v[i] = vi;
      e[i] = (hi - vi) + p + lo;
    }
    FloatMath.exp(v, k, n);
  }

  /** {@code erf(a)/a} for {@code u = a²}, {@code a < 0.75}: the Maclaurin series to {@code a^19}. */
  private static float smallPolynomial(float u) {
    float p = -1.6365844691e-7f;
    p = Math.fma(p, u, 1.6462114366e-6f);
    p = Math.fma(p, u, -1.4925650358e-5f);
    p = Math.fma(p, u, 1.2055332982e-4f);
    p = Math.fma(p, u, -8.5483270235e-4f);
    p = Math.fma(p, u, 5.2239776254e-3f);
    p = Math.fma(p, u, -2.6866170645e-2f);
    p = Math.fma(p, u, 1.1283791671e-1f);
    p = Math.fma(p, u, -3.7612638903e-1f);
    return Math.fma(p, u, 1.1283791671e+0f);
  }

  /**
   * {@code erfc(z)} for finite {@code z >= 0} (NaN for NaN), given {@code -z²} as the exact
   * product {@code m·n}.
   */
  private static float erfc(float z, float m, float n) {
    float t = 1f / (1f + 0.5f * z);
    float p = erfcPolynomial(t);
    float hi = m * n;
    float lo = Math.fma(m, n, -hi); // m·n = hi + lo exactly
    float v = hi + p;
    float e = (hi - v) + p + lo; // hi + p + lo - v, up to a rounding where |hi| < |p|
    return t * FloatMath.exp(v) * (1f + e);
  }

  /** {@code P(t)}, the exponent of erfc's fit without its {@code -z²}. */
  private static float erfcPolynomial(float t) {
    float p = 0.17087277f;
    p = Math.fma(p, t, -0.82215223f);
    p = Math.fma(p, t, 1.48851587f);
    p = Math.fma(p, t, -1.13520398f);
    p = Math.fma(p, t, 0.27886807f);
    p = Math.fma(p, t, -0.18628806f);
    p = Math.fma(p, t, 0.09678418f);
    p = Math.fma(p, t, 0.37409196f);
    p = Math.fma(p, t, 1.00002368f);
    return Math.fma(p, t, -1.26551223f);
  }
}
