package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;

class InitTest {
  private static final Key KEY = Key.of(7);
  private static final int N = 100_000;

  @Test
  void zerosAndOnes() {
    assertEquals(Tensor.full(0f, 2, 3), Init.zeros(2, 3));
    assertEquals(Tensor.full(1f, 4), Init.ones(4));
  }

  @Test
  void kaimingUniformWithRootFiveIsOneOverRootFanIn() {
    int fanIn = 64;
    Tensor w = Init.kaimingUniform(KEY, Math.sqrt(5), fanIn, 500, 200);
    assertArrayEquals(new int[] {500, 200}, w.shape());
    assertUniformWithBound(w.toArray(), 1.0 / Math.sqrt(fanIn));
    // a = 0 (ReLU gain): bound sqrt(6 / fanIn).
    assertUniformWithBound(Init.kaimingUniform(KEY, 0, fanIn, N).toArray(), Math.sqrt(6.0 / fanIn));
  }

  @Test
  void xavierUniformBoundAndVariance() {
    float[] x = Init.xavierUniform(KEY, 30, 70, N).toArray();
    assertUniformWithBound(x, Math.sqrt(6.0 / 100));
    double b2 = 6.0 / 100;
    RandomTest.assertMoments("xavier", x, 0, b2 / 3, b2 * b2 / 5);
  }

  @Test
  void uniformAndNormal() {
    assertUniformWithBound(Init.uniform(KEY, 0.3f, N).toArray(), 0.3);
    float[] x = Init.normal(KEY, 0.02f, N).toArray();
    RandomTest.assertMoments("normal 0.02", x, 0, 4e-4, 3 * 4e-4 * 4e-4);
  }

  @Test
  void lecunNormalHasVarianceOneOverFanInAndTwoSigmaTruncation() {
    int fanIn = 50;
    float[] x = Init.lecunNormal(KEY, fanIn, N).toArray();
    double bound = 2 * Math.sqrt(1.0 / fanIn) / Init.TRUNCATED_STD;
    double max = 0;
    for (float v : x) {
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max <= bound * (1 + 1e-6), "max " + max + " > bound " + bound);
    assertTrue(max > 0.98 * bound, "max " + max + " never nears bound " + bound);
    double var = 1.0 / fanIn;
    RandomTest.assertMoments("lecunNormal", x, 0, var, 3 * var * var);
  }

  @Test
  void truncatedStdIsTheStdOfTheTwoSigmaTruncatedNormal() {
    double z = Gaussian.cdf(2) - Gaussian.cdf(-2);
    double pdf2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
    double var = 1 - 2 * 2 * pdf2 / z;
    assertEquals(Math.sqrt(var), Init.TRUNCATED_STD, 1e-15);
  }

  @Test
  void orthogonalHasOrthonormalColumnsOrRows() {
    qt().withExamples(40).forAll(integers().between(1, 40), integers().between(1, 40))
        .checkAssert((rows, cols) -> {
          Tensor q = Init.orthogonal(KEY.foldIn(rows * 100 + cols), rows, cols);
          assertArrayEquals(new int[] {rows, cols}, q.shape());
          float[] a = q.toArray();
          boolean tall = rows >= cols;
          int k = Math.min(rows, cols);
          int len = Math.max(rows, cols);
          for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
              double dot = 0;
              for (int t = 0; t < len; t++) {
                dot += tall ? (double) a[t * cols + i] * a[t * cols + j]
                    : (double) a[i * cols + t] * a[j * cols + t];
              }
              assertEquals(i == j ? 1.0 : 0.0, dot, 1e-5,
                  "(" + rows + ", " + cols + ") Gram entry " + i + "," + j);
            }
          }
        });
  }

  @Test
  void orthogonalIsDeterministicAndHaarLike() {
    assertEquals(Init.orthogonal(KEY, 20, 8), Init.orthogonal(KEY, 20, 8));
    // Haar-distributed 1x1 "rotations" are ±1 with equal chance; the sign fix makes that so.
    int plus = 0;
    for (int i = 0; i < 2000; i++) {
      float v = Init.orthogonal(KEY.foldIn(i), 1, 1).item();
      assertEquals(1f, Math.abs(v), 1e-6f);
      plus += v > 0 ? 1 : 0;
    }
    assertTrue(Math.abs(plus - 1000) < 5 * Math.sqrt(500), "+1 count " + plus + " of 2000");
    // Entries of a Haar 64x64 orthogonal matrix have mean 0 and variance 1/64.
    float[] q = Init.orthogonal(KEY, 64, 64).toArray();
    RandomTest.assertMoments("orthogonal entries", q, 0, 1.0 / 64, 3.0 / 64 / 64);
  }

  @Test
  void orthogonalOfSquare512IsQuick() {
    long t0 = System.nanoTime();
    Init.orthogonal(KEY, 512, 512);
    System.out.printf("Init: orthogonal(512, 512) in %.1f ms%n", (System.nanoTime() - t0) / 1e6);
  }

  @Test
  void invalidFansAndScalesAreRejected() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Init.kaimingUniform(KEY, 0, 0, 3, 0));
    assertEquals("Init.kaimingUniform: fanIn must be >= 1, got 0 for shape (3, 0)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Init.normal(KEY, -1f, 2));
    assertEquals("Init.normal: std must be finite and >= 0, got -1.0 for shape (2,)",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Init.xavierUniform(KEY, 3, 0, 3));
    assertThrows(IllegalArgumentException.class, () -> Init.orthogonal(KEY, -1, 3));
  }

  private static void assertUniformWithBound(float[] x, double bound) {
    double max = 0;
    for (float v : x) {
      assertTrue(Math.abs(v) <= bound * (1 + 1e-6), () -> "|" + v + "| > bound " + bound);
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max > 0.99 * bound, "max " + max + " never nears bound " + bound);
    double var = bound * bound / 3;
    RandomTest.assertMoments("uniform ±" + bound, x, 0, var, bound * bound * bound * bound / 5);
  }
}
