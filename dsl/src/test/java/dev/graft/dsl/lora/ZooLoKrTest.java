package dev.graft.dsl.lora;

import static dev.graft.dsl.lora.ZooLaws.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.Conv;
import dev.graft.dsl.nn.ConvOptions;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** LoKr's Kronecker arithmetic ({@link LoKrAdapter}; its laws run in {@link ZooCatalogTest}). */
class ZooLoKrTest {
  /** {@code (W1 ⊗ W2)[:out, :in]} by its definition, entry by entry. */
  static Tensor explicitKron(Tensor w1, Tensor w2, int out, int in) {
    int p = w2.dim(0);
    int q = w2.dim(1);
    float[] d = new float[out * in];
    for (int row = 0; row < out; row++) {
      for (int col = 0; col < in; col++) {
        d[row * in + col] = w1.value(row / p, col / q) * w2.value(row % p, col % q);
      }
    }
    return Tensor.of(d, out, in);
  }

  @Test
  void factoredForwardEqualsTheExplicitKroneckerForm() {
    int[][] shapes = {{5, 7, 3}, {6, 6, 2}, {4, 9, 4}, {3, 2, 5}, {8, 5, 1}};
    for (int[] sh : shapes) {
      int out = sh[0];
      int in = sh[1];
      int r = sh[2];
      Linear base = Linear.create(in, out, Key.of(out * 31 + in));
      double alpha = 2.5;
      LoKrAdapter fresh = LoKrAdapter.create(base, new AdapterConfig(r, alpha, 0, Key.of(r)));
      int p = (out + r - 1) / r;
      int q = (in + r - 1) / r;
      assertArrayEquals(new int[] {p, q}, fresh.lokrW2().shape(), "W2 shape for " + out + "x" + in);
      Tensor w1 = Random.normal(Key.of(1), r, r);
      LoKrAdapter l = new LoKrAdapter(base, w1, fresh.lokrW2(), fresh.scale(), 0);
      Tensor dense = base.weight().plus(explicitKron(w1, l.lokrW2(), out, in)
          .times((float) (alpha / r)));
      for (int[] xs : new int[][] {{in}, {3, in}, {2, 2, in}}) {
        Tensor x = Random.normal(Key.of(xs.length), xs);
        assertClose(new Linear(dense, base.bias()).apply(x), l.apply(x), 1e-5,
            "factored LoKr vs explicit Kronecker, (" + out + ", " + in + "), r " + r);
      }
      assertClose(dense, ((Linear) l.merge()).weight(), 1e-6, "merged LoKr weight");
      assertClose(explicitKron(w1, l.lokrW2(), out, in), Kronecker.cropped(w1, l.lokrW2(), out,
          in), 0, "Kronecker.cropped vs definition");
    }
  }

  @Test
  void convDeltaIsTheCroppedKroneckerProductOfTheFlattenedKernel() {
    Conv conv = Conv2d.create(3, 5, 2, ConvOptions.defaults().padding(1), Key.of(4));
    int r = 3;                                                    // flat_in 12, out 5
    LoKrAdapter fresh = LoKrAdapter.create(conv, new AdapterConfig(r, 6, 0, Key.of(5)));
    assertArrayEquals(new int[] {2, 4}, fresh.lokrW2().shape());
    Tensor w1 = Random.normal(Key.of(6), r, r);
    LoKrAdapter l = new LoKrAdapter(conv, w1, fresh.lokrW2(), fresh.scale(), 0);
    Tensor delta = explicitKron(w1, l.lokrW2(), 5, 12).times(2f);
    Tensor x = Random.normal(Key.of(7), 2, 3, 4, 4);
    Tensor expected = conv.withWeight(conv.weight().plus(ConvLowRank.asKernel(conv, delta)))
        .apply(x);
    assertClose(expected, l.apply(x), 1e-5, "LoKrAdapter vs explicit Kronecker kernel");
  }

  @Test
  void w2IsKaimingUniformOverItsFanInAndW1Zero() {
    Linear base = Linear.create(64, 40, Key.of(1));
    LoKrAdapter l = LoKrAdapter.create(base, new AdapterConfig(4, 8, 0, Key.of(2)));
    assertEquals(Tensor.zeros(4, 4), l.lokrW1());
    double bound = 1 / Math.sqrt(16);
    float max = ZooLaws.maxAbs(l.lokrW2());
    assertTrue(max <= bound + 1e-7 && max > 0.8 * bound, "W2 within U(±1/√16), max " + max);
  }
}
