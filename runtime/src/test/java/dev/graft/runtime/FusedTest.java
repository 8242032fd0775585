package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link Fused#plusScaledProduct} against the unfused expression it replaces. */
class FusedTest {

  private static Tensor unfused(Tensor w, Tensor b, Tensor a, double s) {
    return w.plus(b.size() <= a.size() ? b.times((float) s).matmul(a)
        : b.matmul(a.times((float) s)));
  }

  @Test
  void agreesWithMatmulThenAddOnOddShapesBothScaleSides() {
    Key key = Key.of(1);
    int[][] shapes = {{37, 53, 3}, {70, 9, 5}, {9, 70, 5}, {129, 131, 8}, {33, 40, 40}};
    for (int[] s : shapes) {
      Tensor w = Random.normal(key.foldIn(s[0]), s[0], s[1]);
      Tensor b = Random.normal(key.foldIn(s[1]), s[0], s[2]);
      Tensor a = Random.normal(key.foldIn(s[2]), s[2], s[1]);
      for (double scale : new double[] {1.0, 2.0, 0.37}) {
        Tensor fused = Fused.plusScaledProduct(w, b, a, scale);
        Tensor ref = unfused(w, b, a, scale);
        assertTrue(fused.allClose(ref, 1e-5, 1e-5), "shape " + java.util.Arrays.toString(s)
            + " scale " + scale + ": max diff " + fused.maxAbsDiff(ref));
        assertEquals(java.util.Arrays.toString(w.shape()),
            java.util.Arrays.toString(fused.shape()));
      }
    }
  }

  @Test
  void namesAllThreeShapesWhenTheyDoNotFit() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Fused.plusScaledProduct(Tensor.zeros(4, 5), Tensor.zeros(4, 2), Tensor.zeros(3, 5),
            1.0));
    assertTrue(e.getMessage().contains("(4, 5)") && e.getMessage().contains("(4, 2)")
        && e.getMessage().contains("(3, 5)"), e.getMessage());
  }

  @Test
  void linearIsMatmulThenBiasBitForBitOnOddShapes() {
    Key key = Key.of(2);
    int[][] xShapes = {{1, 3}, {37, 53}, {3, 5, 17}, {2, 3, 4, 129}, {300, 257}};
    int[] outs = {1, 7, 33, 129, 301};
    for (int[] xs : xShapes) {
      for (int out : outs) {
        int in = xs[xs.length - 1];
        Tensor x = Random.normal(key.foldIn(in), xs);
        Tensor w = Random.normal(key.foldIn(out), out, in);
        Tensor b = Random.normal(key.foldIn(out + in), out);
        Tensor want = x.matmul(w, false, true).plus(b);
        assertEquals(want, Fused.linear(x, w, b), java.util.Arrays.toString(xs) + " out " + out);
        assertEquals(x.matmul(w, false, true), Fused.linear(x, w, null));
        assertEquals(want.relu(), Fused.linear(x, w, b, true));
        assertEquals(x.matmul(w, false, true).relu(), Fused.linear(x, w, null, true));
      }
    }
  }

  @Test
  void linearLeavesItsInputsAndAnEarlierProductAlone() {
    Key key = Key.of(4);
    Tensor x = Random.normal(key, 5, 6);
    Tensor w = Random.normal(key.foldIn(1), 4, 6);
    Tensor b = Random.normal(key.foldIn(2), 4);
    Tensor product = x.matmul(w, false, true);
    Tensor x0 = Tensor.of(x.toArray(), 5, 6);
    Tensor p0 = Tensor.of(product.toArray(), 5, 4);
    Fused.linear(x, w, b);
    assertEquals(x0, x);
    assertEquals(p0, product);
  }
}
