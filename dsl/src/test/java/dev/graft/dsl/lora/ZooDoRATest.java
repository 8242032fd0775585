package dev.graft.dsl.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autodiff.Grad;
import dev.graft.autodiff.GradCheck;
import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.Conv;
import dev.graft.dsl.nn.ConvLayer;
import dev.graft.dsl.nn.ConvOptions;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * DoRA ({@link DoRAAdapter}; its laws run in {@link ZooCatalogTest}): the magnitude init, and the
 * stop-gradient on the norm: DoRA's gradients are those of the same function with the norm held
 * constant, checked against finite differences of that function.
 */
class ZooDoRATest {

  // The gradient law is replaced by the stop-gradient tests below: by design DoRA's backward is
  // not the derivative of its forward.
  @Test
  void magnitudeStartsAsTheRowNorms() {
    Linear base = new Linear(Tensor.of(new float[] {3, 4, 0, -2}, 2, 2), null);
    DoRAAdapter d = DoRAAdapter.create(base, new AdapterConfig(1, 1, 0, Key.of(1)));
    assertEquals(Tensor.of(new float[] {5, 2}, 2), d.loraMagnitude());
    Conv conv = new Conv(Tensor.of(new float[] {1, 2, 2, 4, 0, 0, 0, 3}, 2, 1, 2, 2), null,
        new int[] {1}, new int[] {0}, new int[] {1}, 1);
    assertEquals(Tensor.of(new float[] {5, 3}, 2),
        DoRAAdapter.create(conv, new AdapterConfig(1, 1, 0, Key.of(1))).loraMagnitude());
  }

  @Test
  void mergedRowsHaveTheMagnitudeAsNorm() {
    DoRAAdapter d = (DoRAAdapter) ZooLaws.perturb(
        DoRAAdapter.create(Linear.create(5, 4, Key.of(2)), new AdapterConfig(2, 3, 0, Key.of(3))),
        Key.of(4), 0.5f);
    Linear merged = (Linear) d.merge();
    assertTrue(DoRAMagnitude.rowNorms(merged.weight()).allClose(d.loraMagnitude().abs(), 1e-5,
        1e-6));
  }

  @Test
  void linearGradientsHoldTheNormConstant() {
    Linear base = Linear.create(5, 4, Key.of(5));
    DoRAAdapter d = (DoRAAdapter) ZooLaws.perturb(
        DoRAAdapter.create(base, new AdapterConfig(3, 6, 0, Key.of(6))), Key.of(7), 0.5f);
    Tensor x = Random.normal(Key.of(8), 3, 5);
    Tensor norm = DoRAMagnitude.rowNorms(
        base.weight().plus(LowRank.product(d.loraB(), d.loraA(), d.scale())));
    // The same forward with the norm as a fixed constant: its exact derivative is DoRA's gradient.
    Function<List<Tensor>, Tensor> heldNorm = p -> x.matmul(base.weight(), false, true)
        .plus(LowRank.delta(x, p.get(0), p.get(1), d.scale()))
        .times(p.get(2).div(norm)).plus(base.bias());
    Function<List<Tensor>, Tensor> dora = p -> new DoRAAdapter(base, p.get(0), p.get(1), p.get(2),
        d.scale(), 0).apply(x);
    checkStopGradient(dora, heldNorm, List.of(d.loraA(), d.loraB(), d.loraMagnitude()));
  }

  @Test
  void convGradientsHoldTheNormConstant() {
    ConvLayer base = Conv2d.create(4, 4, 3, ConvOptions.defaults().padding(1).groups(2),
        Key.of(5));
    DoRAAdapter d = (DoRAAdapter) ZooLaws.perturb(
        DoRAAdapter.create(base, new AdapterConfig(2, 4, 0, Key.of(6))), Key.of(7), 0.5f);
    Tensor x = Random.normal(Key.of(8), 2, 4, 4, 4);
    Tensor norm = DoRAMagnitude.rowNorms(ConvLowRank.flatWeight(base)
        .plus(LowRank.product(d.loraB(), d.loraA(), d.scale())));
    Function<List<Tensor>, Tensor> heldNorm = p -> base.convolve(x, base.weight())
        .plus(ConvLowRank.delta(base, x, p.get(0), p.get(1), d.scale()))
        .times(p.get(2).div(norm).reshape(4, 1, 1))
        .plus(base.bias().reshape(4, 1, 1));
    Function<List<Tensor>, Tensor> dora = p -> new DoRAAdapter(base, p.get(0), p.get(1), p.get(2),
        d.scale(), 0).apply(x);
    checkStopGradient(dora, heldNorm, List.of(d.loraA(), d.loraB(), d.loraMagnitude()));
  }

  /**
   * DoRA's gradient equals the gradient of {@code heldNorm}, which finite differences confirm,
   * and differs from the finite differences of DoRA itself (so the stop-gradient is really there).
   */
  private static void checkStopGradient(Function<List<Tensor>, Tensor> dora,
      Function<List<Tensor>, Tensor> heldNorm, List<Tensor> at) {
    assertTrue(dora.apply(at).allClose(heldNorm.apply(at), 1e-5, 1e-5), "same forward");
    Tensor c = Random.normal(Key.of(11), dora.apply(at).shape());
    List<Tensor> gDora = Grad.grad(p -> dora.apply(p).times(c).sum(), at);
    List<Tensor> gHeld = Grad.grad(p -> heldNorm.apply(p).times(c).sum(), at);
    for (int i = 0; i < at.size(); i++) {
      assertTrue(gDora.get(i).allClose(gHeld.get(i), 1e-4, 1e-5),
          "gradient " + i + ": " + gDora.get(i) + " vs " + gHeld.get(i));
    }
    GradCheck.assertGradients(heldNorm, at);
    assertTrue(GradCheck.check(dora, at).worstRelativeError() > 10 * GradCheck.DEFAULT_TOLERANCE,
        "DoRA's gradient should not be the full derivative of its forward");
  }
}
