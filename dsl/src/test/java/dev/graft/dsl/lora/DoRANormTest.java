package dev.graft.dsl.lora;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import org.junit.jupiter.api.Test;

/**
 * DoRA's row norms of {@code W + s·B A} computed from the factors ({@link
 * DoRAMagnitude#rowNormsOfSum}) agree with the norms of the dense sum, for adapters small and
 * large next to the weight, square and wide weights, and a row the adapter cancels exactly.
 */
class DoRANormTest {
  private static Tensor dense(Tensor w, Tensor a, Tensor b, double s) {
    return DoRAMagnitude.rowNorms(w.plus(b.matmul(a).times((float) s)));
  }

  private static void agree(int out, int in, int r, float bScale, double s, long seed) {
    Key[] k = Key.of(seed).split(3);
    Tensor w = Random.normal(k[0], out, in).times((float) (1 / Math.sqrt(in)));
    Tensor a = Random.normal(k[1], r, in).times((float) (1 / Math.sqrt(in)));
    Tensor b = Random.normal(k[2], out, r).times(bScale);
    Tensor expected = dense(w, a, b, s);
    Tensor actual = DoRAMagnitude.rowNormsOfSum(w, a, b, s);
    assertTrue(actual.allClose(expected, 1e-4, 1e-6), "out " + out + ", in " + in + ", r " + r
        + ", |B| " + bScale + ", s " + s + ": max diff " + actual.maxAbsDiff(expected));
  }

  @Test
  void agreesWithTheDenseSum() {
    agree(64, 64, 8, 0.02f, 2.0, 1);
    agree(64, 64, 8, 1f, 2.0, 2);
    agree(37, 200, 4, 0.5f, 0.3, 3);
    agree(300, 16, 16, 3f, 1.0, 4);
    agree(128, 96, 1, 0f, 2.0, 5);
  }

  @Test
  void aRowTheAdapterCancelsHasNormZeroNotNaN() {
    // W row 0 = −s·(B A) row 0: the dense sum is 0 there; rounding must not give a NaN.
    Tensor a = Tensor.of(new float[] {0.3f, -0.7f, 0.2f}, 1, 3);
    Tensor b = Tensor.of(new float[] {1.5f, 0.25f}, 2, 1);
    double s = 2;
    Tensor w = b.matmul(a).times((float) -s).plus(Tensor.of(new float[] {0, 0, 0, 1, 2, 3}, 2, 3)
        .times(Tensor.of(new float[] {0, 1}, 2, 1)));
    Tensor n = DoRAMagnitude.rowNormsOfSum(w, a, b, s);
    assertTrue(n.value(0) >= 0 && n.value(0) < 1e-3, "cancelled row: " + n.value(0));
    assertTrue(Math.abs(n.value(1) - dense(w, a, b, s).value(1)) < 1e-5, "other row: " + n);
  }
}
