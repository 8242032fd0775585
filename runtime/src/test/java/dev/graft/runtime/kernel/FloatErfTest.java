package dev.graft.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.kernel.Elementwise.Unary;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/**
 * The float GELU and erf kernels against double-precision references (Commons Math's
 * {@code Erf}) on a dense grid over {@code [-10, 10]} plus subnormals, zeros, infinities and NaN.
 * Measured: GELU within 1 ulp wherever its absolute error exceeds {@code 1e-7} (max absolute
 * error 2.4e-7, at x ≈ 4.1 where an ulp is 4.8e-7), and within 7 ulps relative in the left tail
 * down to x = -12; erf within 2.4 ulps.
 */
class FloatErfTest {
  /** 400 001 points over [-10, 10], then the special values. */
  private static float[] grid() {
    float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
        -Float.MIN_NORMAL, 1e-40f, -1e-40f, 1e-30f, -1e-30f, 1e-8f, -1e-8f, -12f, -13f, -14f,
        -15f, -20f, 12f, 15f, 20f, 100f, -100f, Float.MAX_VALUE, -Float.MAX_VALUE};
    int n = 400_001;
    float[] x = new float[n + special.length];
    for (int i = 0; i < n; i++) {
      x[i] = (i - 200_000) * 5e-5f;
    }
    System.arraycopy(special, 0, x, n, special.length);
    return x;
  }

  private static double ulp(double want) {
    return Math.max(Math.ulp((float) want), Float.MIN_VALUE);
  }

  @Test
  void geluIsWithinTwoUlpsOrOneTenMillionth() {
    float[] x = grid();
    float[] y = Elementwise.unary(Unary.GELU, x);
    double worstUlps = 0;
    double worstTail = 0;
    for (int i = 0; i < x.length; i++) {
      double v = x[i];
      double want = v * 0.5 * Erf.erfc(-v / Math.sqrt(2));
      double err = Math.abs(y[i] - want);
      float got = y[i];
      assertTrue(err <= Math.max(2 * ulp(want), 1e-7), () -> "gelu(" + v + ") = " + got
          + ", want " + want);
      if (err > 1e-7) {
        worstUlps = Math.max(worstUlps, err / ulp(want));
      }
      if (v <= 0 && v >= -12) {
        worstTail = Math.max(worstTail, err / ulp(want));
      }
    }
    assertTrue(worstUlps <= 1, "max ulps where the error exceeds 1e-7: " + worstUlps);
    assertTrue(worstTail <= 8, "max ulps on [-12, 0]: " + worstTail);
  }

  @Test
  void erfIsWithinTwoAndAHalfUlps() {
    float[] x = grid();
    float[] y = Elementwise.unary(Unary.ERF, x);
    for (int i = 0; i < x.length; i++) {
      double v = x[i];
      double want = Erf.erf(v);
      double err = Math.abs(y[i] - want);
      float got = y[i];
      assertTrue(err <= 2.5 * ulp(want), () -> "erf(" + v + ") = " + got + ", want " + want);
    }
  }

  @Test
  void specialValues() {
    float inf = Float.POSITIVE_INFINITY;
    float[] x = {Float.NaN, inf, -inf, 0f, -0f, -200f, 200f};
    assertArrayEquals(new float[] {Float.NaN, inf, Float.NaN, 0f, -0f, -0f, 200f},
        Elementwise.unary(Unary.GELU, x));
    assertArrayEquals(new float[] {Float.NaN, 1f, -1f, 0f, -0f, -1f, 1f},
        Elementwise.unary(Unary.ERF, x));
    // Odd, and relatively accurate near zero: erf(x) ≈ 2x/sqrt(pi), GELU(x) ≈ x/2.
    float tiny = 1e-30f;
    float want = (float) (1.1283791670955126 * tiny);
    assertEquals(want, FloatErf.erf(tiny), Math.ulp(want));
    assertEquals(tiny / 2, FloatErf.gelu(tiny));
    assertEquals(-FloatErf.erf(0.3f), FloatErf.erf(-0.3f));
  }

  /**
   * The array kernels (in blocks of short loops) give the scalar functions' results bit for
   * bit, and map each element on its own, so a split over threads cannot change a bit either.
   */
  @Test
  void parallelResultsEqualTheElementwiseOnes() {
    float[] x = grid();
    float[] gelu = Elementwise.unary(Unary.GELU, x);
    float[] erf = Elementwise.unary(Unary.ERF, x);
    for (int i = 0; i < x.length; i++) {
      assertEquals(Float.floatToIntBits(FloatErf.gelu(x[i])), Float.floatToIntBits(gelu[i]));
      assertEquals(Float.floatToIntBits(FloatErf.erf(x[i])), Float.floatToIntBits(erf[i]));
    }
  }
}
