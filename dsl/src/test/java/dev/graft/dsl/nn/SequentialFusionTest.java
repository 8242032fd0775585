package dev.graft.dsl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.dsl.Net;
import dev.graft.dsl.train.LossAndGrads;
import dev.graft.dsl.train.Losses;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A {@link Linear} followed by a {@link Relu} inside {@link Sequential} runs as one fused eager
 * pass ({@link Linear#applyRelu}); its values and its gradients are bit for bit those of the
 * layers applied one by one.
 */
class SequentialFusionTest {

  private static Sequential model() {
    Key k = Key.of(21);
    return Sequential.of(Linear.create(37, 53, k.foldIn(0)), new Relu(),
        Linear.create(53, 29, false, k.foldIn(1)), new Relu(), Linear.create(29, 5, k.foldIn(2)),
        new Relu());
  }

  /** The layers one by one, each through its own apply. */
  private static Tensor oneByOne(Sequential s, Tensor x) {
    Tensor y = x;
    for (var layer : s.layers()) {
      y = layer.apply(y);
    }
    return y;
  }

  @Test
  void valuesAreTheLayerByLayerValuesBitForBit() {
    Sequential s = model();
    for (int[] shape : new int[][] {{1, 37}, {13, 37}, {3, 300, 37}}) {
      Tensor x = Random.normal(Key.of(shape.length), shape);
      assertEquals(oneByOne(s, x), s.apply(x));
    }
  }

  @Test
  void applyReluIsApplyThenRelu() {
    Linear l = Linear.create(19, 301, Key.of(4));
    Tensor x = Random.normal(Key.of(5), 130, 19);
    assertEquals(l.apply(x).relu(), l.applyRelu(x));
  }

  @Test
  void gradientsAreTheLayerByLayerGradientsBitForBit() {
    Sequential s = model();
    Tensor x = Random.normal(Key.of(8), 11, 37);
    Tensor target = Random.normal(Key.of(9), 11, 5);
    Net net = Net.of(s);
    LossAndGrads fused = net.valueAndGrad(m -> Losses.mse(m.apply(x), target));
    LossAndGrads chain = net.valueAndGrad(m -> Losses.mse(oneByOne((Sequential) m, x), target));
    assertEquals(chain.value(), fused.value());
    assertEquals(chain.grads(), fused.grads());
  }
}
