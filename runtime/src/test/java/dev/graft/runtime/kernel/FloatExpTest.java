package dev.graft.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The block kernels of {@link FloatExp} give the scalar functions' results bit for bit (NaN as
 * NaN), on ranges that start and end off the block boundaries, and stay close to double
 * precision; the softmax row matches the same formula element by element and the double-precision
 * softmax within a few ulps.
 */
class FloatExpTest {

  /** A grid over [-120, 120] with the boundaries, tails and special values mixed in. */
  private static float[] inputs() {
    float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 0.625f, -0.625f,
        Math.nextDown(0.625f), Math.nextUp(-0.625f), 88.72f, 89f, -103.97f, -104f, -150f, 1e-30f,
        -1e-30f};
    int grid = 24_007;
    float[] x = new float[grid + special.length];
    for (int i = 0; i < grid; i++) {
      x[i] = -120f + 240f * i / (grid - 1);
    }
    System.arraycopy(special, 0, x, grid, special.length);
    SplittableRandom rnd = new SplittableRandom(5);
    for (int i = x.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      float t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
    return x;
  }

  private interface Block {
    void run(float[] x, float[] out, int from, int to);
  }

  private interface Scalar {
    float apply(float x);
  }

  private static void sameBits(String name, Block block, Scalar scalar) {
    float[] x = inputs();
    int from = 3;
    int to = x.length - 5;
    float[] out = new float[x.length];
    block.run(x, out, from, to);
    for (int i = 0; i < x.length; i++) {
      float want = i >= from && i < to ? scalar.apply(x[i]) : 0f;
      assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(out[i]),
          name + "(" + x[i] + ") at " + i + ": " + out[i] + " vs scalar " + want);
    }
  }

  @Test
  void expIsTheScalarFunctionBitForBit() {
    sameBits("exp", FloatExp::exp, FloatMath::exp);
  }

  @Test
  void sigmoidIsTheScalarFunctionBitForBit() {
    sameBits("sigmoid", FloatExp::sigmoid, FloatMath::sigmoid);
  }

  @Test
  void tanhIsTheScalarFunctionBitForBit() {
    sameBits("tanh", FloatExp::tanh, FloatMath::tanh);
  }

  @Test
  void theBlockKernelsStayCloseToDoublePrecision() {
    float[] x = new float[4099];
    for (int i = 0; i < x.length; i++) {
      x[i] = -20f + 40f * i / (x.length - 1);
    }
    float[] e = new float[x.length];
    float[] s = new float[x.length];
    float[] t = new float[x.length];
    FloatExp.exp(x, e, 0, x.length);
    FloatExp.sigmoid(x, s, 0, x.length);
    FloatExp.tanh(x, t, 0, x.length);
    for (int i = 0; i < x.length; i++) {
      double xd = x[i];
      assertTrue(Math.abs(e[i] - Math.exp(xd)) <= 2 * Math.ulp((float) Math.exp(xd)), "exp " + xd);
      double sd = 1 / (1 + Math.exp(-xd));
      assertTrue(Math.abs(s[i] - sd) <= 3 * Math.ulp((float) sd), "sigmoid " + xd);
      double td = Math.tanh(xd);
      assertTrue(Math.abs(t[i] - td) <= 3 * Math.ulp((float) td), "tanh " + xd);
    }
  }

  /** The row element by element: the same sums in the same order, the same normalization. */
  private static void scalarRow(float[] x, float[] out, int from, int n, boolean log) {
    int end = from + n;
    float mx = Float.NEGATIVE_INFINITY;
    for (int i = from; i < end; i++) {
      mx = Math.max(mx, x[i]);
    }
    double sum = 0;
    for (int i = from; i < end; i++) {
      float e = FloatMath.exp(x[i] - mx);
      sum += e;
      if (!log) {
        out[i] = e;
      }
    }
    double norm = log ? Math.log(sum) : 1.0 / sum;
    for (int i = from; i < end; i++) {
      out[i] = log ? (float) (x[i] - mx - norm) : out[i] * (float) norm;
    }
  }

  @Test
  void softmaxRowMatchesTheScalarRowOnOddLengths() {
    SplittableRandom rnd = new SplittableRandom(9);
    float[] v = new float[FloatExp.BLOCK];
    float[] k = new float[FloatExp.BLOCK];
    for (int n : new int[] {1, 7, 128, 511, 512, 513, 1500}) {
      float[] x = new float[n + 4];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (rnd.nextGaussian() * 8);
      }
      x[4] = Float.NEGATIVE_INFINITY;
      for (boolean log : new boolean[] {false, true}) {
        float[] got = new float[x.length];
        float[] want = new float[x.length];
        FloatExp.softmaxRow(x, got, 3, n, log, v, k);
        scalarRow(x, want, 3, n, log);
        double mx = Double.NEGATIVE_INFINITY;
        for (int i = 3; i < 3 + n; i++) {
          mx = Math.max(mx, x[i]);
        }
        double sum = 0;
        for (int i = 3; i < 3 + n; i++) {
          sum += Math.exp(x[i] - mx);
        }
        for (int i = 0; i < x.length; i++) {
          assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]),
              "n " + n + " log " + log + " at " + i);
          if (i >= 3 && i < 3 + n) {
            // x - max is rounded to float first: an absolute error of |x - max|·2^-24 in the
            // exponent, a relative one in the result.
            double exact = log ? x[i] - mx - Math.log(sum) : Math.exp(x[i] - mx) / sum;
            double slack = 3e-7 * (2 + Math.abs(x[i] - mx) + (log ? Math.log(sum) : 0));
            double err = Math.abs(got[i] - exact) / (log ? 1 : Math.abs(exact));
            if (x[i] == Float.NEGATIVE_INFINITY) {
              assertEquals((float) exact, got[i], "n " + n + " log " + log + " at " + i);
              continue;
            }
            assertTrue(err <= slack, "n " + n + " log " + log + " at " + i + ": " + got[i]
                + " vs " + exact);
          }
        }
      }
    }
  }
}
