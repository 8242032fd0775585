package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.graft.testkit.MatmulReference;
import org.junit.jupiter.api.Test;

class LinalgTest {
  private static final Key KEY = Key.of(11);

  static Tensor gaussian(int seed, int m, int n) {
    return Random.normal(KEY.foldIn(seed), m, n);
  }

  /** Max |(Xᵀ X)_ij - δ_ij| over the columns of a row-major {@code (rows, cols)} matrix. */
  static double columnOrthonormalityError(Tensor x) {
    int rows = x.dim(0);
    int cols = x.dim(1);
    float[] a = x.toArray();
    double worst = 0;
    for (int i = 0; i < cols; i++) {
      for (int j = 0; j < cols; j++) {
        double dot = 0;
        for (int t = 0; t < rows; t++) {
          dot += (double) a[t * cols + i] * a[t * cols + j];
        }
        worst = Math.max(worst, Math.abs(dot - (i == j ? 1 : 0)));
      }
    }
    return worst;
  }

  /** The product of two row-major matrices, in double, as a float tensor. */
  static Tensor product(Tensor a, Tensor b) {
    return Tensor.adopt(MatmulReference.matmul(a.toArray(), a.shape(), false, b.toArray(),
        b.shape(), false, false), a.dim(0), b.dim(1));
  }

  static Tensor transposed(Tensor a) {
    int m = a.dim(0);
    int n = a.dim(1);
    float[] x = a.toArray();
    float[] out = new float[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        out[j * m + i] = x[i * n + j];
      }
    }
    return Tensor.adopt(out, n, m);
  }

  static double frobenius(Tensor a) {
    double s = 0;
    for (float v : a.toArray()) {
      s += (double) v * v;
    }
    return Math.sqrt(s);
  }

  static double frobeniusDiff(Tensor a, Tensor b) {
    float[] x = a.toArray();
    float[] y = b.toArray();
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double d = (double) x[i] - y[i];
      s += d * d;
    }
    return Math.sqrt(s);
  }

  // ------------------------------------------------------------------ svd

  @Test
  void svdReconstructsAndIsOrthonormalOnRandomShapes() {
    qt().withExamples(60).forAll(integers().between(1, 30), integers().between(1, 30))
        .checkAssert((m, n) -> {
          Tensor a = gaussian(m * 31 + n, m, n);
          Svd d = Linalg.svd(a);
          int k = Math.min(m, n);
          assertArrayEquals(new int[] {m, k}, d.u().shape());
          assertArrayEquals(new int[] {k}, d.s().shape());
          assertArrayEquals(new int[] {k, n}, d.vt().shape());
          float[] s = d.s().toArray();
          for (int i = 0; i < k; i++) {
            int at = i;
            assertTrue(s[i] >= 0 && (i == 0 || s[i] <= s[i - 1]), () -> "S not descending at " + at);
          }
          assertTrue(d.reconstruct().maxAbsDiff(a) < 2e-5 * (1 + s[0]),
              "(" + m + ", " + n + ") reconstruction off by " + d.reconstruct().maxAbsDiff(a));
          assertTrue(columnOrthonormalityError(d.u()) < 1e-5);
          assertTrue(columnOrthonormalityError(transposed(d.vt())) < 1e-5);
        });
  }

  @Test
  void svdOfKnownMatrices() {
    Svd d = Linalg.svd(Tensor.of(new float[] {3, 0, 0, -4}, 2, 2));
    assertArrayEquals(new float[] {4, 3}, d.s().toArray(), 1e-6f);
    // Rank one: only one non-zero singular value, equal to |u|·|v|.
    Tensor r1 = Tensor.of(new float[] {1, 2, 3, 2, 4, 6}, 2, 3);
    float[] s = Linalg.svd(r1).s().toArray();
    assertEquals(Math.sqrt(5) * Math.sqrt(14), s[0], 1e-5);
    assertEquals(0, s[1], 1e-6);
    Svd empty = Linalg.svd(Tensor.zeros(0, 4));
    assertArrayEquals(new int[] {0, 0}, empty.u().shape());
    assertArrayEquals(new int[] {0, 4}, empty.vt().shape());
  }

  // ------------------------------------------------------------------ qr

  @Test
  void qrFactorsWithOrthonormalQAndTriangularR() {
    qt().withExamples(60).forAll(integers().between(1, 30), integers().between(1, 30))
        .checkAssert((m, n) -> {
          Tensor a = gaussian(1000 + m * 31 + n, m, n);
          Qr f = Linalg.qr(a);
          int k = Math.min(m, n);
          assertArrayEquals(new int[] {m, k}, f.q().shape());
          assertArrayEquals(new int[] {k, n}, f.r().shape());
          assertTrue(columnOrthonormalityError(f.q()) < 1e-5);
          for (int i = 0; i < k; i++) {
            assertTrue(f.r().value(i, i) >= 0, "negative diagonal in R");
            for (int j = 0; j < Math.min(i, n); j++) {
              assertEquals(0f, f.r().value(i, j), "R not upper triangular at " + i + "," + j);
            }
          }
          assertTrue(product(f.q(), f.r()).maxAbsDiff(a) < 1e-5 * (1 + frobenius(a)));
        });
  }

  @Test
  void qrOfRankDeficientMatrixStillHasOrthonormalQ() {
    // Columns: x, 0, 2x, y: rank 2.
    float[] d = new float[6 * 4];
    for (int i = 0; i < 6; i++) {
      d[i * 4] = i + 1;
      d[i * 4 + 2] = 2 * (i + 1);
      d[i * 4 + 3] = (i % 2 == 0) ? 1 : -1;
    }
    Tensor a = Tensor.of(d, 6, 4);
    Qr f = Linalg.qr(a);
    assertTrue(columnOrthonormalityError(f.q()) < 1e-6);
    assertTrue(product(f.q(), f.r()).maxAbsDiff(a) < 1e-5);
    assertEquals(0, f.r().value(1, 1), 1e-6);
  }

  // ------------------------------------------------------------------ solve, inverse

  private static Tensor wellConditioned(int seed, int n) {
    float[] a = gaussian(seed, n, n).toArray();
    for (int i = 0; i < n; i++) {
      a[i * n + i] += 2 * (float) Math.sqrt(n) * (i % 2 == 0 ? 1 : -1);
    }
    return Tensor.adopt(a, n, n);
  }

  @Test
  void solveRecoversTheSolution() {
    qt().withExamples(40).forAll(integers().between(1, 25), integers().between(1, 4))
        .checkAssert((n, k) -> {
          Tensor a = wellConditioned(n * 7 + k, n);
          Tensor x = gaussian(5000 + n, n, k);
          Tensor b = product(a, x);
          Tensor solved = Linalg.solve(a, b);
          assertArrayEquals(new int[] {n, k}, solved.shape());
          assertTrue(solved.maxAbsDiff(x) < 1e-4, "solve off by " + solved.maxAbsDiff(x));
          Tensor vec = Linalg.solve(a, b.reshape(n * k).slice(0, 0, n));
          assertArrayEquals(new int[] {n}, vec.shape());
        });
    // Vector right-hand side: a 2x2 by hand. 2x + y = 5, x + 3y = 10 -> x = 1, y = 3.
    Tensor x = Linalg.solve(Tensor.of(new float[] {2, 1, 1, 3}, 2, 2),
        Tensor.of(new float[] {5, 10}, 2));
    assertArrayEquals(new float[] {1, 3}, x.toArray(), 1e-6f);
  }

  @Test
  void inverseTimesMatrixIsIdentity() {
    qt().withExamples(40).forAll(integers().between(1, 25)).checkAssert(n -> {
      Tensor a = wellConditioned(900 + n, n);
      Tensor inv = Linalg.inverse(a);
      Tensor eye = product(a, inv);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          assertEquals(i == j ? 1 : 0, eye.value(i, j), 1e-5, "A·A⁻¹ at " + i + "," + j);
        }
      }
    });
    assertArrayEquals(new float[] {0.5f, 0, 0, -0.25f},
        Linalg.inverse(Tensor.of(new float[] {2, 0, 0, -4}, 2, 2)).toArray(), 1e-7f);
  }

  @Test
  void singularAndMisshapenInputsAreRejectedWithShapes() {
    Tensor singular = Tensor.of(new float[] {1, 2, 2, 4}, 2, 2);
    var e = assertThrows(ArithmeticException.class, () -> Linalg.inverse(singular));
    assertEquals("inverse: matrix (2, 2) is singular to working precision", e.getMessage());
    assertThrows(ArithmeticException.class,
        () -> Linalg.solve(singular, Tensor.of(new float[] {1, 2}, 2)));
    assertThrows(ArithmeticException.class, () -> Linalg.inverse(Tensor.zeros(3, 3)));
    // Singular in exact arithmetic though not in its float entries' pattern: rows 1 and 3 add to 2.
    Tensor dependent = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3);
    assertThrows(ArithmeticException.class, () -> Linalg.inverse(dependent));

    var e2 = assertThrows(IllegalArgumentException.class,
        () -> Linalg.inverse(Tensor.zeros(2, 3)));
    assertEquals("inverse: needs a square matrix, got shape (2, 3)", e2.getMessage());
    e2 = assertThrows(IllegalArgumentException.class, () -> Linalg.svd(Tensor.zeros(2, 3, 4)));
    assertEquals("svd: needs a 2-d matrix, got shape (2, 3, 4)", e2.getMessage());
    e2 = assertThrows(IllegalArgumentException.class, () -> Linalg.qr(Tensor.zeros(5)));
    assertEquals("qr: needs a 2-d matrix, got shape (5,)", e2.getMessage());
    e2 = assertThrows(IllegalArgumentException.class,
        () -> Linalg.solve(Tensor.ones(3, 3), Tensor.ones(2, 1)));
    assertEquals("solve: a (3, 3) and b (2, 1): b must be (3,) or (3, k)", e2.getMessage());
    e2 = assertThrows(IllegalArgumentException.class,
        () -> Linalg.svd(Tensor.of(new float[] {1, Float.NaN}, 1, 2)));
    assertEquals("svd: matrix (1, 2) has a non-finite value (NaN)", e2.getMessage());
    e2 = assertThrows(IllegalArgumentException.class,
        () -> Linalg.randomizedSvd(Tensor.ones(4, 6), 5));
    assertEquals("randomizedSvd: matrix (4, 6), rank 5, oversample 10, powerIters 2: "
        + "need 1 <= rank <= 4, oversample >= 0, powerIters >= 0", e2.getMessage());
  }

  // ------------------------------------------------------------------ randomized svd

  /** {@code U diag(s) Vᵀ} with Haar-random orthonormal factors. */
  static Tensor lowRank(int seed, int m, int n, float[] s) {
    int r = s.length;
    float[] u = Init.orthogonal(KEY.foldIn(seed), m, r).toArray();
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < r; j++) {
        u[i * r + j] *= s[j];
      }
    }
    return Tensor.adopt(u, m, r).matmul(Init.orthogonal(KEY.foldIn(seed + 1), r, n));
  }

  @Test
  void randomizedSvdMatchesExactOnLowRankInputs() {
    double[] worst = new double[2];
    qt().withExamples(20).forAll(integers().between(8, 80), integers().between(8, 80),
        integers().between(1, 8)).checkAssert((m, n, r) -> {
          float[] s = new float[r];
          for (int i = 0; i < r; i++) {
            s[i] = (float) (10 * Math.pow(0.6, i));
          }
          Tensor a = lowRank(m * 1000 + n * 10 + r, m, n, s);
          Svd exact = Linalg.svd(a);
          Svd fast = Linalg.randomizedSvd(a, r, 5, 1, KEY.foldIn(m + n));
          assertArrayEquals(new int[] {m, r}, fast.u().shape());
          assertArrayEquals(new int[] {r, n}, fast.vt().shape());
          double sErr = 0;
          for (int i = 0; i < r; i++) {
            sErr = Math.max(sErr, Math.abs(fast.s().value(i) - exact.s().value(i)) / s[0]);
          }
          double recon = frobeniusDiff(fast.reconstruct(), a) / frobenius(a);
          worst[0] = Math.max(worst[0], sErr);
          worst[1] = Math.max(worst[1], recon);
          assertTrue(sErr < 1e-5, "(" + m + ", " + n + ") rank " + r + ": S error " + sErr);
          assertTrue(recon < 1e-5, "(" + m + ", " + n + ") rank " + r + ": recon error " + recon);
          assertTrue(columnOrthonormalityError(fast.u()) < 1e-5);
          assertTrue(columnOrthonormalityError(transposed(fast.vt())) < 1e-5);
        });
    System.out.printf("Linalg: randomized vs exact SVD on rank<=8 inputs: max S error %.2e "
        + "(relative to s1), max reconstruction error %.2e (relative Frobenius)%n",
        worst[0], worst[1]);
  }

  @Test
  void randomizedSvdIsNearOptimalOnNoisyLowRank() {
    int m = 150;
    int n = 90;
    float[] s = {20, 15, 11, 8, 6, 4};
    Tensor signal = lowRank(77, m, n, s);
    Tensor a = signal.plus(Random.normal(KEY.foldIn(78), m, n).times(0.01f));
    Svd exact = Linalg.svd(a).truncate(4);
    Svd fast = Linalg.randomizedSvd(a, 4);
    double best = frobeniusDiff(exact.reconstruct(), a);
    double got = frobeniusDiff(fast.reconstruct(), a);
    System.out.printf("Linalg: noisy rank-6 (150x90), top 4: error %.5f vs optimal %.5f%n",
        got, best);
    assertTrue(got <= best * 1.001, "randomized " + got + " vs optimal " + best);
    for (int i = 0; i < 4; i++) {
      assertEquals(exact.s().value(i), fast.s().value(i), 1e-4 * s[0]);
    }
    assertEquals(fast, Linalg.randomizedSvd(a, 4), "not deterministic under the default key");
  }

  @Test
  void randomizedTopEightOf1024SquareIsFast() {
    int size = 1024;
    float[] s = {50, 40, 30, 25, 20, 15, 12, 10};
    Tensor a = lowRank(500, size, size, s).plus(Random.normal(KEY.foldIn(501), size, size)
        .times(0.001f));
    long t0 = System.nanoTime();
    Svd first = Linalg.randomizedSvd(a, 8, 8, 2);
    long t1 = System.nanoTime();
    Svd again = Linalg.randomizedSvd(a, 8, 8, 2);
    long t2 = System.nanoTime();
    System.out.printf("Linalg: randomizedSvd top-8 of 1024x1024 (oversample 8, 2 power iters): "
        + "first call %.1f ms, warm call %.1f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
    assertEquals(first, again);
    for (int i = 0; i < s.length; i++) {
      assertEquals(s[i], first.s().value(i), 0.05, "singular value " + i);
    }
    assertTrue((t2 - t1) / 1e9 < 5, "top-8 randomized SVD took " + (t2 - t1) / 1e9 + " s");
  }
}
