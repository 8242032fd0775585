package dev.graft.dsl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.dsl.Net;
import org.junit.jupiter.api.Test;

/**
 * Adam and AdamW against values computed by hand in double precision with PyTorch's formulas (lr
 * 0.1, β = (0.9, 0.999), ε = 1e-8; p0 = (1, −2, 0.5), g1 = (0.5, −1, 2), g2 = (−0.3, 0.2, 1)).
 */
class AdamTest {
  private static final float TOL = 2e-6f;

  @Test
  void biasCorrectedFirstStepMovesByLrTimesSign() {
    // m̂ = g, v̂ = g², so the first update is lr·g/|g|: without bias correction it would be ~3x
    // smaller (0.1·0.1/√0.001).
    Net[] n = Toy.twoSteps(Adam.of(0.1));
    assertArrayEquals(new float[] {0.9f, -1.9f, 0.4f}, Toy.w(n[0]), TOL);
  }

  @Test
  void secondStepUsesBothBiasCorrections() {
    Net[] n = Toy.twoSteps(Adam.of(0.1));
    assertArrayEquals(new float[] {0.88085020f, -1.84889739f, 0.30678204f}, Toy.w(n[1]), TOL);
  }

  @Test
  void adamWDecaysTheWeightBeforeTheAdamUpdate() {
    Net[] n = Toy.twoSteps(AdamW.of(0.1).withWeightDecay(0.1));
    // step 1: p0·(1 − 0.1·0.1) − 0.1·sign(g1)
    assertArrayEquals(new float[] {0.89f, -1.88f, 0.395f}, Toy.w(n[0]), TOL);
    assertArrayEquals(new float[] {0.86195020f, -1.81009739f, 0.29783204f}, Toy.w(n[1]), TOL);
  }

  @Test
  void adamWeightDecayIsCoupledL2() {
    Net[] n = Toy.twoSteps(Adam.of(0.1).withWeightDecay(0.1));
    assertArrayEquals(new float[] {0.9f, -1.9f, 0.4f}, Toy.w(n[0]), TOL);
    assertArrayEquals(new float[] {0.86135300f, -1.83361691f, 0.30657010f}, Toy.w(n[1]), TOL);
  }

  @Test
  void adamWWithoutDecayEqualsAdam() {
    assertArrayEquals(Toy.w(Toy.twoSteps(Adam.of(0.1))[1]),
        Toy.w(Toy.twoSteps(AdamW.of(0.1).withWeightDecay(0))[1]), 0f);
  }

  @Test
  void defaultsFollowPyTorch() {
    AdamW w = AdamW.of(1e-3);
    assertEquals(0.01, w.weightDecay());
    assertEquals(0.9, w.beta1());
    assertEquals(0.999, w.beta2());
    assertEquals(1e-8, w.eps());
    assertEquals(0.0, Adam.of(1e-3).weightDecay());
    assertEquals(Double.POSITIVE_INFINITY, w.clipNorm());
  }

  @Test
  void stateHoldsBothMomentsAfterEachStep() {
    Step<Net> s1 = Adam.of(0.1).step(Toy.net(Toy.P0), Toy.grads(Toy.G1), OptState.empty());
    // m = 0.1 g1, v = 0.001 g1²
    assertArrayEquals(new float[] {0.05f, -0.1f, 0.2f}, s1.state().get("m", Toy.W).toArray(),
        1e-7f);
    assertArrayEquals(new float[] {0.00025f, 0.001f, 0.004f},
        s1.state().get("v", Toy.W).toArray(), 1e-9f);
  }

  @Test
  void badHyperparametersAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Adam.of(0.1).withBetas(0.9, 1.0));
    assertThrows(IllegalArgumentException.class, () -> AdamW.of(0.1).withEps(-1));
    assertThrows(IllegalArgumentException.class, () -> AdamW.of(0.1).withWeightDecay(-0.1));
    assertThrows(IllegalArgumentException.class, () -> AdamW.of(0.1).withClipNorm(0));
  }
}
