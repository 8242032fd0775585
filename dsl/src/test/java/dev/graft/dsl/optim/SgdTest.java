package dev.graft.dsl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import org.junit.jupiter.api.Test;

/**
 * SGD steps against hand-computed values (lr 0.1, p0 = (1, −2, 0.5), g1 = (0.5, −1, 2), g2 =
 * (−0.3, 0.2, 1)).
 */
class SgdTest {
  private static final float TOL = 1e-6f;

  @Test
  void plainStepsAreMinusLrTimesGradient() {
    Net[] n = Toy.twoSteps(Sgd.of(0.1));
    assertArrayEquals(new float[] {0.95f, -1.9f, 0.3f}, Toy.w(n[0]), TOL);
    assertArrayEquals(new float[] {0.98f, -1.92f, 0.2f}, Toy.w(n[1]), TOL);
  }

  @Test
  void momentumStartsFromTheGradientThenAccumulates() {
    Net[] n = Toy.twoSteps(Sgd.of(0.1).withMomentum(0.9));
    // b1 = g1; b2 = 0.9 g1 + g2 = (0.15, -0.7, 2.8)
    assertArrayEquals(new float[] {0.95f, -1.9f, 0.3f}, Toy.w(n[0]), TOL);
    assertArrayEquals(new float[] {0.935f, -1.83f, 0.02f}, Toy.w(n[1]), TOL);
  }

  @Test
  void nesterovLooksAhead() {
    Net[] n = Toy.twoSteps(Sgd.of(0.1).withMomentum(0.9).nesterov());
    // d1 = g1 + 0.9 g1; d2 = g2 + 0.9 (0.9 g1 + g2) = (-0.165, -0.43, 3.52)
    assertArrayEquals(new float[] {0.905f, -1.81f, 0.12f}, Toy.w(n[0]), TOL);
    assertArrayEquals(new float[] {0.9215f, -1.767f, -0.232f}, Toy.w(n[1]), TOL);
  }

  @Test
  void weightDecayIsAddedToTheGradient() {
    Net net = Sgd.of(0.1).withWeightDecay(0.1)
        .step(Toy.net(Toy.P0), Toy.grads(Toy.G1), OptState.empty()).net();
    // g' = g1 + 0.1 p0 = (0.6, -1.2, 2.05)
    assertArrayEquals(new float[] {0.94f, -1.88f, 0.295f}, Toy.w(net), TOL);
  }

  @Test
  void momentumStateIsKeyedByPathAndCounted() {
    Step<Net> s = Sgd.of(0.1).withMomentum(0.9).step(Toy.net(Toy.P0), Toy.grads(Toy.G1),
        OptState.empty());
    assertEquals(1, s.state().step());
    assertArrayEquals(Toy.G1, s.state().get(Sgd.MOMENTUM, Toy.W).toArray(), 0f);
    assertEquals(1, s.state().slot(Sgd.MOMENTUM).size());
  }

  @Test
  void nesterovWithoutMomentumIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> Sgd.of(0.1).nesterov());
    assertTrue(e.getMessage().contains("withMomentum"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Sgd.of(0.1).withMomentum(1.0));
    assertThrows(IllegalArgumentException.class, () -> Sgd.of(-1));
  }
}
