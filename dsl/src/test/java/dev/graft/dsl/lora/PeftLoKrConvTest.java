package dev.graft.dsl.lora;

import static dev.graft.dsl.lora.ZooLaws.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.graft.dsl.nn.Conv;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.ConvLayer;
import dev.graft.dsl.nn.ConvOptions;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link PeftLoKrConv}: the zoo laws on Conv1d/2d/3d with groups (identity at init, merge equals
 * adapted, finite-difference gradients, ...), PEFT's shapes and the kernel change by definition.
 */
class PeftLoKrConvTest {
  static ZooLaws.BaseCount count(boolean both) {
    return (Layer base, int r) -> {
      int[] w = ((ConvLayer) base).weight().shape();
      int kk = Shapes.size(Arrays.copyOfRange(w, 2, w.length));
      int[] o = PeftLoKr.factorization(w[0], -1);
      int[] i = PeftLoKr.factorization(w[1], -1);
      long w1 = PeftLoKr.fullW1(r, o[0], i[0], both) ? (long) o[0] * i[0]
          : (long) r * (o[0] + i[0]);
      long w2 = PeftLoKr.fullW2(r, o[1], i[1]) ? (long) o[1] * i[1] * kk
          : (long) r * (o[1] + (long) i[1] * kk);
      return w1 + w2;
    };
  }

  @TestFactory
  Stream<DynamicTest> conv() {
    return ZooLaws.conv(PeftLoKrConv.FACTORY, count(false))
        .inputDropout(ZooLaws.InputDropout.NONE).laws();
  }

  @TestFactory
  Stream<DynamicTest> convDecomposeBoth() {
    return ZooLaws.conv(PeftLoKrConv.factory(true, -1), count(true))
        .inputDropout(ZooLaws.InputDropout.NONE).laws();
  }

  @Test
  void kernelChangeIsTheKroneckerProductOverChannels() {
    Conv conv = Conv2d.create(6, 4, 3, ConvOptions.defaults().padding(1), Key.of(1));
    // out 4 = 2·2, in 6 = 2·3; r = 1 < max(2, 3)/2: W2 factored (2, 1)·(1, 3·9).
    PeftLoKrConv fresh = PeftLoKrConv.create(conv, new AdapterConfig(1, 2, 0, Key.of(2)), false,
        -1);
    assertNull(fresh.lokrW2());
    assertArrayEquals(new int[] {2, 1}, fresh.lokrW2A().shape());
    assertArrayEquals(new int[] {1, 27}, fresh.lokrW2B().shape());
    Tensor w1 = Random.normal(Key.of(3), 2, 2);
    PeftLoKrConv l = new PeftLoKrConv(conv, w1, null, null, null, fresh.lokrW2A(),
        fresh.lokrW2B(), 1, 2.0);
    Tensor w2 = fresh.lokrW2A().matmul(fresh.lokrW2B()).reshape(2, 3, 3, 3);
    float[] d = new float[4 * 6 * 9];
    for (int o = 0; o < 4; o++) {
      for (int i = 0; i < 6; i++) {
        for (int k = 0; k < 9; k++) {
          d[(o * 6 + i) * 9 + k] = 2f * w1.value(o / 2, i / 3)
              * w2.value(o % 2, i % 3, k / 3, k % 3);
        }
      }
    }
    Tensor delta = Tensor.of(d, 4, 6, 3, 3);
    assertClose(delta, l.delta(), 1e-6, "s (W1 kron W2) over channels");
    Tensor x = Random.normal(Key.of(4), 2, 6, 5, 5);
    assertClose(conv.withWeight(conv.weight().plus(delta)).apply(x), l.apply(x), 1e-5,
        "forward with the changed kernel");
  }
}
