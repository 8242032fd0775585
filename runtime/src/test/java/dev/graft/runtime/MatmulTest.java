package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.graft.runtime.kernel.Matmul;
import dev.graft.testkit.MatmulReference;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The matmul kernel against the naive reference: random shapes, broadcast batches, transposes. */
class MatmulTest {

  /** Batch axes of a and b; together they exercise every broadcast pattern. */
  private static final int[][][] BATCHES = {
      {{}, {}}, {{2}, {}}, {{}, {3}}, {{2}, {2}}, {{2, 1}, {3}}, {{1, 3}, {2, 1}},
      {{2, 3}, {1, 3}}, {{1}, {}},
  };

  /** One generated case: sizes, which operands are transposed, which batch layout. */
  record Case(int m, int n, int k, boolean ta, boolean tb, int batch) {
    int[] aShape() {
      return shape(BATCHES[batch][0], ta ? k : m, ta ? m : k);
    }

    int[] bShape() {
      return shape(BATCHES[batch][1], tb ? n : k, tb ? k : n);
    }

    private static int[] shape(int[] lead, int r, int c) {
      int[] s = Arrays.copyOf(lead, lead.length + 2);
      s[lead.length] = r;
      s[lead.length + 1] = c;
      return s;
    }
  }

  private static Gen<Case> cases(int maxDim) {
    Gen<Integer> dim = integers().between(1, maxDim);
    return dim.zip(dim, dim, integers().between(0, 3), integers().between(0, BATCHES.length - 1),
        (m, n, k, t, batch) -> new Case(m, n, k, (t & 1) != 0, (t & 2) != 0, batch));
  }

  @Test
  void agreesWithNaiveLoopsOnRandomShapes() {
    qt().withExamples(300).forAll(cases(70)).checkAssert(MatmulTest::check);
  }

  @Test
  void agreesOnEdgeShapes() {
    int[][] mnk = {{1, 1, 1}, {1, 37, 1}, {37, 1, 1}, {1, 1, 97}, {1, 61, 97}, {61, 1, 97},
        {7, 11, 13}, {31, 37, 41}, {3, 131, 2}, {129, 67, 5}, {17, 257, 9}, {2, 2, 300}};
    for (int[] s : mnk) {
      for (int t = 0; t < 4; t++) {
        for (int batch = 0; batch < BATCHES.length; batch += 3) {
          check(new Case(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, batch));
        }
      }
    }
  }

  @Test
  void agreesOnLargerOddShapes() {
    int[][] mnk = {{257, 263, 269}, {130, 1031, 64}, {300, 8, 517}, {8, 517, 300}, {67, 700, 701}};
    for (int[] s : mnk) {
      for (int t = 0; t < 4; t++) {
        check(new Case(s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, 0));
      }
    }
  }

  @Test
  void emptyInnerAxisGivesZeros() {
    float[] c = Matmul.matmul(new float[0], new int[] {3, 0}, false, new float[0],
        new int[] {0, 4}, false, new int[] {3, 4});
    assertArrayEquals(new float[12], c);
    float[] none = Matmul.matmul(new float[0], new int[] {0, 5}, false, new float[20],
        new int[] {5, 4}, false, new int[] {0, 4});
    assertEquals(0, none.length);
  }

  @Test
  void tensorMatmulGoesThroughTheKernel() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor w = Tensor.of(new float[] {1, 0, 1, 0, 1, 0, 2, 2, 2, 1, -1, 1}, 4, 3);
    Tensor y = x.matmul(w, false, true);
    assertArrayEquals(new int[] {2, 4}, y.shape());
    assertArrayEquals(MatmulReference.matmul(x.toArray(), x.shape(), false, w.toArray(),
        w.shape(), true, false), y.toArray());
  }

  @Test
  void mismatchedInnerSizesNameShapes() {
    var e = assertThrows(IllegalArgumentException.class, () -> Matmul.matmul(new float[6],
        new int[] {2, 3}, false, new float[8], new int[] {4, 2}, false, new int[] {2, 2}));
    assertTrue(e.getMessage().contains("matmul") && e.getMessage().contains("[2, 3]")
        && e.getMessage().contains("[4, 2]"), e.getMessage());
  }

  @Test
  void manySmallBatchedProductsSplitAcrossThreads() {
    check(new int[] {6, 7, 40, 33}, false, new int[] {7, 41, 33}, true, "batched 6x7");
    check(new int[] {42, 40, 33}, true, new int[] {1, 40, 41}, false, "batched 42");
  }

  static void check(Case c) {
    check(c.aShape(), c.ta(), c.bShape(), c.tb(), c.toString());
  }

  static void check(int[] as, boolean ta, int[] bs, boolean tb, String label) {
    int k = ta ? as[as.length - 2] : as[as.length - 1];
    SplittableRandom rnd = new SplittableRandom(31L * Arrays.hashCode(as) + Arrays.hashCode(bs));
    float[] a = random(rnd, as);
    float[] b = random(rnd, bs);
    int[] out = MatmulReference.outShape(as, ta, bs, tb);
    float[] got = Matmul.matmul(a, as, ta, b, bs, tb, out);
    float[] want = MatmulReference.matmul(a, as, ta, b, bs, tb, false);
    float[] scale = MatmulReference.matmul(a, as, ta, b, bs, tb, true);
    assertEquals(want.length, got.length, () -> label + ": result size");
    for (int i = 0; i < want.length; i++) {
      // Any summation order stays within (k + 2) unit roundoffs of the sum of |terms|.
      double tol = (k + 2) * 0x1p-23 * scale[i] + 1e-30;
      if (Math.abs(got[i] - want[i]) > tol) {
        throw new AssertionError(label + " a" + Arrays.toString(as) + " b" + Arrays.toString(bs)
            + ": element " + i + " is " + got[i] + ", reference " + want[i] + " (tol " + tol + ")");
      }
    }
  }

  private static float[] random(SplittableRandom rnd, int[] shape) {
    int size = 1;
    for (int s : shape) {
      size *= s;
    }
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return x;
  }
}
