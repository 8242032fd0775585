package dev.graft.autodiff;

import static dev.graft.autodiff.TestTensors.assertGrad;
import static dev.graft.autodiff.TestTensors.qt;
import static dev.graft.autodiff.TestTensors.seeds;
import static dev.graft.autodiff.TestTensors.uniform;

import dev.graft.runtime.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/** Properties: batched matmul with every transpose flag and broadcast batch dims. */
class MatmulGradPropertiesTest {

  @Test
  void batchedWithAllTransposeFlagsAndBroadcastBatches() {
    qt(60).forAll(Generate.booleans(), Generate.booleans(), Generate.range(0, 2), seeds())
        .checkAssert((ta, tb, batchRank, seed) -> {
          SplittableRandom r = new SplittableRandom(seed);
          int m = 1 + r.nextInt(3);
          int k = 1 + r.nextInt(3);
          int n = 1 + r.nextInt(3);
          int[] batch = new int[batchRank];
          for (int i = 0; i < batchRank; i++) {
            batch[i] = 1 + r.nextInt(3);
          }
          int[] ba = TestTensors.partner(r, batch);
          int[] bb = TestTensors.partner(r, batch);
          Tensor a = uniform(r, -2, 2, withMatrix(ba, ta ? k : m, ta ? m : k));
          Tensor b = uniform(r, -2, 2, withMatrix(bb, tb ? n : k, tb ? k : n));
          assertGrad(p -> p.get(0).matmul(p.get(1), ta, tb), a, b);
          // One side frozen: only the other side's rule runs.
          assertGrad(p -> p.get(0).matmul(b, ta, tb), a);
          assertGrad(p -> a.matmul(p.get(0), ta, tb), b);
        });
  }

  @Test
  void vectorOperandsArePromoted() {
    qt(20).forAll(Generate.range(1, 4), Generate.range(1, 4), seeds()).checkAssert((m, k, seed) -> {
      SplittableRandom r = new SplittableRandom(seed);
      Tensor v = uniform(r, -2, 2, k);
      Tensor w = uniform(r, -2, 2, m, k);
      Tensor batched = uniform(r, -2, 2, 2, k, m);
      assertGrad(p -> p.get(1).matmul(p.get(0)), v, w);
      assertGrad(p -> p.get(0).matmul(p.get(1)), v, batched);
      assertGrad(p -> p.get(0).matmul(p.get(0)), v);
    });
  }

  private static int[] withMatrix(int[] batch, int rows, int cols) {
    int[] s = new int[batch.length + 2];
    System.arraycopy(batch, 0, s, 0, batch.length);
    s[batch.length] = rows;
    s[batch.length + 1] = cols;
    return s;
  }
}
