package dev.graft.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link TransposeCache}: a transposed view is copied on its second sighting and never for a
 * different view or a tiny one; and a product through the copy is bitwise the product through
 * the transposed view, for every kernel path a recurring {@code x·Wᵀ} can take.
 */
class TransposeCacheTest {
  private static float[] random(SplittableRandom rnd, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rnd.nextDouble(-1, 1);
    }
    return a;
  }

  @Test
  void copiedOnTheSecondSightingOfTheSameView() {
    SplittableRandom rnd = new SplittableRandom(1);
    int k = 70;
    int n = 90;
    float[] w = random(rnd, 3 + n * k); // B(p, j) = w[3 + p + j·k]
    assertNull(TransposeCache.rowMajor(w, 3, k, n), "first sighting");
    float[] copy = TransposeCache.rowMajor(w, 3, k, n);
    assertNotNull(copy, "second sighting");
    for (int p = 0; p < k; p++) {
      for (int j = 0; j < n; j++) {
        assertEquals(w[3 + p + j * k], copy[p * n + j], "element " + p + ", " + j);
      }
    }
    assertSame(copy, TransposeCache.rowMajor(w, 3, k, n), "kept");
    assertNull(TransposeCache.rowMajor(w, 0, k, n), "another view of the same array starts over");
    assertNull(TransposeCache.rowMajor(w, 0, k, n - 1), "and again");
    float[] tiny = random(rnd, 16 * 16);
    assertNull(TransposeCache.rowMajor(tiny, 0, 16, 16));
    assertNull(TransposeCache.rowMajor(tiny, 0, 16, 16), "tiny views are never copied");
  }

  @Test
  void aProductThroughTheCopyIsBitwiseTheSame() {
    SplittableRandom rnd = new SplittableRandom(2);
    // packed path (threaded and not), small path, and the edges of both
    int[][] mnk = {{64, 256, 256}, {256, 300, 1030}, {32, 64, 64}, {17, 70, 65}, {40, 33, 130}};
    for (int[] s : mnk) {
      int m = s[0];
      int n = s[1];
      int k = s[2];
      float[] x = random(rnd, m * k);
      float[] w = random(rnd, n * k); // (n, k): the product is x·wᵀ
      float[] first = new float[m * n];
      Gemm.gemm(m, n, k, x, 0, false, w, 0, true, first, 0); // packs the transposed view
      float[] second = new float[m * n];
      Gemm.gemm(m, n, k, x, 0, false, w, 0, true, second, 0); // makes and uses the copy
      assertNotNull(TransposeCache.rowMajor(w, 0, k, n), "the copy exists for " + m + "x" + n
          + "x" + k);
      assertArrayEquals(first, second, 0f, m + "x" + n + "x" + k);
      float[] expected = new float[m * n];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double acc = 0;
          for (int p = 0; p < k; p++) {
            acc += (double) x[i * k + p] * w[j * k + p];
          }
          expected[i * n + j] = (float) acc;
        }
      }
      assertArrayEquals(expected, second, 1e-4f * k, "against the naive product");
    }
    assertTrue(TransposeCache.cachedElements() > 0);
  }
}
