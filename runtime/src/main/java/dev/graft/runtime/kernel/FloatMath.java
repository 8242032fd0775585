package dev.graft.runtime.kernel;

/**
 * Float32 transcendental functions for the elementwise kernels: branch-free polynomial forms
 * (after Cephes' {@code expf} and {@code tanhf}) that are several times faster than going through
 * {@link Math#exp} in double, and accurate to about one float ulp.
 */
final class FloatMath {
  private static final float LOG2E = 1.44269504088896341f;
  /** {@code ln 2} split so that {@code k·LN2_HI} is exact for the {@code k} that occur. */
  private static final float LN2_HI = 0.693359375f;
  private static final float LN2_LO = -2.12194440e-4f;
  /** {@code 1.5·2^23}: adding and subtracting it rounds a float to the nearest integer. */
  private static final float ROUND = 12582912f;

  private FloatMath() {}

  /**
   * {@code e^x} within one ulp of the correctly rounded value, including subnormal results;
   * {@code +inf} above about 88.72, {@code 0} below about -103.97, NaN for NaN.
   */
  static float exp(float x) {
    // Clamp (NaN passes through); beyond the bounds the result over/underflows anyway.
    float kk = Math.min(Math.max(x, -104f), 89f) * LOG2E + ROUND;
    return reduced(x, kk) * firstHalf(kk) * secondHalf(kk);
  }

  /**
   * {@link #exp(float)} of {@code v[0, n)} in place, bit for bit, as two short loops that C2
   * vectorizes (one loop with the whole body is too long for it to unroll); {@code kk} is scratch
   * of at least {@code n} floats.
   */
  static void exp(float[] v, float[] kk, int n) {
    for (int i = 0; i < n; i++) {
      float x = v[i];
      float k = Math.min(Math.max(x, -104f), 89f) * LOG2E + ROUND;
      kk[i] = k;
      v[i] = reduced(x, k);
    }
    for (int i = 0; i < n; i++) {
      float k = kk[i];
      v[i] = v[i] * firstHalf(k) * secondHalf(k);
    }
  }

  /** {@code e^r} for the reduced argument {@code r = x - k·ln 2}, {@code k = kk - ROUND}. */
  private static float reduced(float x, float kk) {
    float v = Math.min(Math.max(x, -104f), 89f);
    float k = kk - ROUND;
    float r = v - k * LN2_HI - k * LN2_LO;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    return p * r * r + r + 1f;
  }

  // The scale 2^k, k = kk - ROUND, in two halves applied one after the other, so that k in
  // [-150, 129] needs no special case.

  private static float firstHalf(float kk) {
    int ki = Float.floatToRawIntBits(kk) - 0x4B400000;
    return Float.intBitsToFloat(((ki >> 1) + 127) << 23);
  }

  private static float secondHalf(float kk) {
    int ki = Float.floatToRawIntBits(kk) - 0x4B400000;
    return Float.intBitsToFloat((ki - (ki >> 1) + 127) << 23);
  }

  /** Hyperbolic tangent within about two ulps. */
  static float tanh(float x) {
    float a = Math.abs(x);
    if (a < 0.625f) {
      float z = x * x;
      return ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z
          + 1.33314422036e-1f) * z - 3.33332819422e-1f) * z * x + x;
    }
    float t = 1f - 2f / (exp(2f * a) + 1f);
    return x < 0 ? -t : t;
  }

  /** Logistic sigmoid {@code 1 / (1 + e^-x)} within about two ulps. */
  static float sigmoid(float x) {
    return 1f / (1f + exp(-x));
  }
}
