package dev.graft.dsl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.graft.autodiff.Grad;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GroupedLinearTest {

  @Test
  void eachRowUsesItsGroupsMatrixInInOutOrientation() {
    // group 0 doubles (in=2 -> out=2), group 1 swaps and adds bias 10
    Tensor w = Tensor.of(new float[] {2, 0, 0, 2, 0, 1, 1, 0}, 2, 2, 2);
    GroupedLinear g = new GroupedLinear(w, Tensor.of(new float[] {0, 0, 10, 10}, 2, 2));
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
    Tensor y = g.apply(x, new int[] {1, 0, 1});
    assertEquals(Tensor.of(new float[] {12, 11, 6, 8, 16, 15}, 3, 2), y);
  }

  @Test
  void equalsAPerRowMatmulForAnyGrouping() {
    qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
      Random rnd = new Random(seed);
      int groups = 1 + rnd.nextInt(4);
      int in = 1 + rnd.nextInt(4);
      int out = 1 + rnd.nextInt(4);
      int n = 1 + rnd.nextInt(8);
      Tensor w = Fixtures.randn(rnd, groups, in, out);
      Tensor b = rnd.nextBoolean() ? Fixtures.randn(rnd, groups, out) : null;
      Tensor x = Fixtures.randn(rnd, n, in);
      int[] ids = new int[n];
      for (int r = 0; r < n; r++) {
        ids[r] = rnd.nextInt(groups);
      }
      Tensor y = new GroupedLinear(w, b).apply(x, ids);
      assertArrayEquals(new int[] {n, out}, y.shape());
      for (int r = 0; r < n; r++) {
        for (int o = 0; o < out; o++) {
          double s = b == null ? 0 : b.value(ids[r], o);
          for (int i = 0; i < in; i++) {
            s += x.value(r, i) * w.value(ids[r], i, o);
          }
          assertEquals(s, y.value(r, o), 1e-5, "row " + r + " group " + ids[r]);
        }
      }
    });
  }

  @Test
  void leadingAxesAreFlattenedIntoRows() {
    GroupedLinear g = new GroupedLinear(Tensor.of(new float[] {1, 2}, 2, 1, 1), null);
    Tensor y = g.apply(Tensor.of(new float[] {1, 1, 1, 1}, 2, 2, 1), new int[] {0, 1, 1, 0});
    assertArrayEquals(new int[] {2, 2, 1}, y.shape());
    assertArrayEquals(new float[] {1, 2, 2, 1}, y.toArray());
    assertArrayEquals(new int[] {0, 1}, g.apply(Tensor.zeros(0, 1), new int[0]).shape());
  }

  @Test
  void gradientsFlowToEachGroupsMatrixAndToTheInput() {
    Random rnd = new Random(1);
    Tensor w = Fixtures.randn(rnd, 3, 2, 2);
    Tensor b = Fixtures.randn(rnd, 3, 2);
    Tensor x = Fixtures.randn(rnd, 5, 2);
    Tensor r = Fixtures.randn(rnd, 5, 2); // the output cotangent
    int[] ids = {2, 0, 2, 2, 0}; // group 1 empty, rows unsorted
    List<Tensor> grads = Grad.grad(
        p -> new GroupedLinear(p.get(0), p.get(1)).apply(p.get(2), ids).times(r).sum(),
        List.of(w, b, x));
    for (int g = 0; g < 3; g++) {
      for (int o = 0; o < 2; o++) {
        double db = 0;
        for (int row = 0; row < 5; row++) {
          db += ids[row] == g ? r.value(row, o) : 0;
        }
        assertEquals(db, grads.get(1).value(g, o), 1e-5);
        for (int i = 0; i < 2; i++) {
          double dw = 0;
          for (int row = 0; row < 5; row++) {
            dw += ids[row] == g ? x.value(row, i) * r.value(row, o) : 0;
          }
          assertEquals(dw, grads.get(0).value(g, i, o), 1e-5);
        }
      }
    }
    for (int row = 0; row < 5; row++) {
      for (int i = 0; i < 2; i++) {
        double dx = 0;
        for (int o = 0; o < 2; o++) {
          dx += w.value(ids[row], i, o) * r.value(row, o);
        }
        assertEquals(dx, grads.get(2).value(row, i), 1e-5);
      }
    }
  }

  @Test
  void createCountsAndBoundsAsPyTorch() {
    GroupedLinear g = GroupedLinear.create(4, 8, 3, true, Key.of(2));
    assertArrayEquals(new int[] {4, 8, 3}, g.weight().shape());
    assertEquals(108, Fixtures.parameterCount(g)); // 4*8*3 + 4*3
    float bound = (float) (1 / Math.sqrt(8));
    assertTrue(Fixtures.maxAbs(g.weight()) <= bound);
    assertTrue(Fixtures.maxAbs(g.weight()) > 0.9f * bound);
    assertTrue(Fixtures.maxAbs(g.bias()) <= bound);
    assertEquals(4, g.numGroups());
    assertEquals(8, g.inFeatures());
    assertEquals(3, g.outFeatures());
  }

  @Test
  void checksNameTheProblem() {
    GroupedLinear g = new GroupedLinear(Tensor.zeros(2, 3, 4), null);
    UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
        () -> g.apply(Tensor.zeros(1, 3)));
    assertTrue(u.getMessage().contains("group indices are required"), u.getMessage());
    assertEquals("GroupedLinear: bias shape (2, 3) does not match weight (2, 3, 4): expected "
        + "(2, 4)", assertThrows(IllegalArgumentException.class,
            () -> new GroupedLinear(Tensor.zeros(2, 3, 4), Tensor.zeros(2, 3))).getMessage());
    assertEquals("GroupedLinear: group index 2 of row 1 out of range for 2 groups",
        assertThrows(IndexOutOfBoundsException.class,
            () -> g.apply(Tensor.zeros(2, 3), new int[] {0, 2})).getMessage());
    assertEquals("GroupedLinear: 1 group indices for 2 rows of input shape (2, 3)",
        assertThrows(IllegalArgumentException.class,
            () -> g.apply(Tensor.zeros(2, 3), new int[] {0})).getMessage());
  }
}
