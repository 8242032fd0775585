package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.runtime.kernel.Elementwise;
import dev.graft.runtime.kernel.Elementwise.Binary;
import dev.graft.runtime.kernel.Elementwise.Unary;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The branch-free RELU, SIGN and GREATER kernels against their plain definitions on every pair of
 * special floats (NaN, ±0, ±infinity, the smallest denormals, the largest finite values, values
 * one ulp apart) and on random values, through each kernel path (same shape, scalar on either
 * side, broadcast rows). Equality is bitwise, so {@code -0} and NaN count.
 */
class ElementwiseSpecialValuesTest {
  private static final float[] SPECIAL = {Float.NaN, 0f, -0f, 1f, -1f, Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, 2 * Float.MIN_VALUE,
      Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1.0000001f,
      0.99999994f, 3.5f, -2.25f, 1e-30f, -1e30f};

  private static void assertBits(float expected, float actual, String what) {
    assertEquals(Float.floatToRawIntBits(Float.isNaN(expected) ? Float.NaN : expected),
        Float.floatToRawIntBits(Float.isNaN(actual) ? Float.NaN : actual), what + ": expected "
            + expected + ", got " + actual);
  }

  private static float[] randomWithSpecials(SplittableRandom rnd, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = rnd.nextInt(4) == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)]
          : (float) rnd.nextDouble(-3, 3);
    }
    return x;
  }

  @Test
  void reluAndSignMatchTheirDefinitions() {
    float[] x = randomWithSpecials(new SplittableRandom(1), 70_000); // also the threaded path
    System.arraycopy(SPECIAL, 0, x, 0, SPECIAL.length);
    float[] relu = Elementwise.unary(Unary.RELU, x);
    float[] sign = Elementwise.unary(Unary.SIGN, x);
    for (int i = 0; i < x.length; i++) {
      float v = x[i];
      assertBits(v > 0f ? v : (v != v ? v : 0f), relu[i], "relu(" + v + ")");
      assertBits(Math.signum(v), sign[i], "sign(" + v + ")");
    }
  }

  @Test
  void greaterMatchesTheComparisonOnEverySpecialPair() {
    int n = SPECIAL.length;
    float[] a = new float[n * n];
    float[] b = new float[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i * n + j] = SPECIAL[i];
        b[i * n + j] = SPECIAL[j];
      }
    }
    int[] flat = {n * n};
    float[] same = Elementwise.binary(Binary.GREATER, a, flat, b, flat, flat);
    for (int k = 0; k < n * n; k++) {
      assertBits(a[k] > b[k] ? 1f : 0f, same[k], a[k] + " > " + b[k]);
    }
    for (float s : SPECIAL) {
      float[] right = Elementwise.binary(Binary.GREATER, a, flat, new float[] {s}, new int[0],
          flat);
      float[] left = Elementwise.binary(Binary.GREATER, new float[] {s}, new int[0], a, flat,
          flat);
      for (int k = 0; k < n * n; k++) {
        assertBits(a[k] > s ? 1f : 0f, right[k], a[k] + " > " + s);
        assertBits(s > a[k] ? 1f : 0f, left[k], s + " > " + a[k]);
      }
    }
  }

  @Test
  void greaterMatchesTheComparisonWhenBroadcastAndThreaded() {
    SplittableRandom rnd = new SplittableRandom(2);
    int rows = 300;
    int cols = 257;
    float[] a = randomWithSpecials(rnd, rows * cols);
    float[] row = randomWithSpecials(rnd, cols);
    float[] r = Elementwise.binary(Binary.GREATER, a, new int[] {rows, cols}, row,
        new int[] {cols}, new int[] {rows, cols});
    float[] big = Elementwise.binary(Binary.GREATER, a, new int[] {rows * cols}, a,
        new int[] {rows * cols}, new int[] {rows * cols});
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        float x = a[i * cols + j];
        assertBits(x > row[j] ? 1f : 0f, r[i * cols + j], x + " > " + row[j]);
        assertBits(0f, big[i * cols + j], x + " > itself");
      }
    }
  }
}
