package dev.graft.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link LowRankUpdate} against a double-precision reference, on odd shapes and split rows. */
class LowRankUpdateTest {

  private static float[] random(SplittableRandom rnd, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return v;
  }

  /** {@code w + (sb·B)(sa·A)} in double, from the float-rounded scaled factors. */
  private static double[] reference(float[] w, float[] b, float sb, float[] a, float sa, int out,
      int in, int r) {
    double[] c = new double[out * in];
    for (int i = 0; i < out; i++) {
      for (int j = 0; j < in; j++) {
        double t = 0;
        for (int p = 0; p < r; p++) {
          t += (double) (b[i * r + p] * sb) * (double) (a[p * in + j] * sa);
        }
        c[i * in + j] = w[i * in + j] + t;
      }
    }
    return c;
  }

  @Test
  void matchesTheDoubleReferenceOnOddShapes() {
    SplittableRandom rnd = new SplittableRandom(7);
    int[][] shapes = {{1, 1, 1}, {3, 5, 2}, {37, 53, 3}, {17, 129, 8}, {129, 31, 16}, {5, 7, 31}};
    for (int[] s : shapes) {
      int out = s[0];
      int in = s[1];
      int r = s[2];
      float[] w = random(rnd, out * in);
      float[] b = random(rnd, out * r);
      float[] a = random(rnd, r * in);
      for (float[] scales : new float[][] {{1f, 1f}, {2.5f, 1f}, {1f, 0.125f}}) {
        float[] c = LowRankUpdate.plusScaledProduct(w, b, scales[0], a, scales[1], out, in, r);
        double[] ref = reference(w, b, scales[0], a, scales[1], out, in, r);
        for (int i = 0; i < c.length; i++) {
          double tol = 1e-6 * (1 + r * Math.abs(scales[0] * scales[1]));
          assertTrue(Math.abs(c[i] - ref[i]) <= tol, "shape " + out + "x" + in + " r " + r
              + " element " + i + ": " + c[i] + " vs " + ref[i]);
        }
      }
    }
  }

  @Test
  void rowsSplitAcrossThreadsGiveTheSameBits() {
    SplittableRandom rnd = new SplittableRandom(11);
    int out = 301;
    int in = 517;
    int r = 8;
    float[] w = random(rnd, out * in);
    float[] b = random(rnd, out * r);
    float[] a = random(rnd, r * in);
    float[] split = LowRankUpdate.plusScaledProduct(w, b, 2f, a, 1f, out, in, r, true);
    float[] serial = LowRankUpdate.plusScaledProduct(w, b, 2f, a, 1f, out, in, r, false);
    assertArrayEquals(serial, split);
  }

  @Test
  void leavesItsInputsAlone() {
    SplittableRandom rnd = new SplittableRandom(3);
    float[] w = random(rnd, 6);
    float[] b = random(rnd, 4);
    float[] a = random(rnd, 6);
    float[] w0 = w.clone();
    float[] b0 = b.clone();
    float[] a0 = a.clone();
    LowRankUpdate.plusScaledProduct(w, b, 3f, a, 0.5f, 2, 3, 2);
    assertArrayEquals(w0, w);
    assertArrayEquals(b0, b);
    assertArrayEquals(a0, a);
  }

  @Test
  void rejectsArraysThatDoNotFitTheShapes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LowRankUpdate.plusScaledProduct(new float[6], new float[4], 1f, new float[5], 1f,
            2, 3, 2));
    assertTrue(e.getMessage().contains("A 5"), e.getMessage());
  }
}
