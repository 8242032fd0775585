package dev.graft.dsl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.dsl.Net;
import org.junit.jupiter.api.Test;

/** Learning-rate schedules at chosen steps, and optimizers following them. */
class ScheduleTest {
  private static final double TOL = 1e-12;

  @Test
  void constantIsConstant() {
    Schedule s = Schedule.constant(0.3);
    assertEquals(0.3, s.at(0));
    assertEquals(0.3, s.at(1_000_000));
  }

  @Test
  void linearWarmupReachesThePeakAtItsLastStep() {
    Schedule s = Schedule.linearWarmup(1.0, 4);
    assertEquals(0.25, s.at(0), TOL);
    assertEquals(0.5, s.at(1), TOL);
    assertEquals(1.0, s.at(3), TOL);
    assertEquals(1.0, s.at(100), TOL);
  }

  @Test
  void cosineDecayHitsHalfWayAndTheEnd() {
    Schedule s = Schedule.cosineDecay(1.0, 10);
    assertEquals(1.0, s.at(0), TOL);
    assertEquals(0.9045084971874737, s.at(2), TOL);
    assertEquals(0.5, s.at(5), TOL);
    assertEquals(0.024471741852423234, s.at(9), TOL);
    assertEquals(0.0, s.at(10), TOL);
    assertEquals(0.0, s.at(50), TOL);
    assertEquals(0.55, Schedule.cosineDecay(1.0, 10, 0.1).at(5), TOL);
  }

  @Test
  void warmupThenCosine() {
    Schedule s = Schedule.warmupCosine(1.0, 4, 14, 0.1);
    assertEquals(0.25, s.at(0), TOL);
    assertEquals(0.5, s.at(1), TOL);
    assertEquals(1.0, s.at(3), TOL);
    assertEquals(1.0, s.at(4), TOL);
    assertEquals(0.9779754323328191, s.at(5), TOL);
    assertEquals(0.8145033635316129, s.at(7), TOL);
    assertEquals(0.41094235253127376, s.at(10), TOL);
    assertEquals(0.1, s.at(14), TOL);
    assertEquals(0.1, s.at(20), TOL);
  }

  @Test
  void optimizerUsesTheRateOfTheStateStep() {
    Optimizer sgd = Sgd.of(Schedule.linearWarmup(0.2, 2));
    Net net = Toy.net(0f);
    OptState state = OptState.empty();
    assertEquals(0.1, sgd.learningRate(state), TOL);
    Step<Net> s1 = sgd.step(net, Toy.grads(1f), state);
    assertArrayEquals(new float[] {-0.1f}, Toy.w(s1.net()), 1e-7f);
    assertEquals(0.2, sgd.learningRate(s1.state()), TOL);
    Step<Net> s2 = sgd.step(s1.net(), Toy.grads(1f), s1.state());
    assertArrayEquals(new float[] {-0.3f}, Toy.w(s2.net()), 1e-7f);
  }

  @Test
  void badSchedulesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Schedule.constant(-1));
    assertThrows(IllegalArgumentException.class, () -> Schedule.constant(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Schedule.linearWarmup(1, 0));
    assertThrows(IllegalArgumentException.class, () -> Schedule.cosineDecay(1, 0));
    assertThrows(IllegalArgumentException.class, () -> Schedule.warmupCosine(1, 10, 5));
  }

  @Test
  void aScheduleGivingANegativeRateStopsTheStep() {
    var e = assertThrows(IllegalStateException.class,
        () -> Sgd.of(step -> -1).step(Toy.net(0f), Toy.grads(1f), OptState.empty()));
    assertEquals(true, e.getMessage().contains("learning rate -1.0 at step 0"), e.getMessage());
  }
}
