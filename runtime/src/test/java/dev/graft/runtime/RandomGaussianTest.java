package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.doubles;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/** The normal CDF and its inverse behind the truncated-normal sampler. */
class RandomGaussianTest {
  @Test
  void quantileInvertsCdfInTheBody() {
    NormalDistribution std = new NormalDistribution(0, 1);
    qt().forAll(doubles().between(1e-6, 1 - 1e-6)).checkAssert(p -> {
      double x = Gaussian.quantile(p);
      assertEquals(p, Gaussian.cdf(x), 1e-14 + 1e-12 * p, "p = " + p);
      assertEquals(std.inverseCumulativeProbability(p), x, 1e-8 * (1 + Math.abs(x)));
    });
  }

  @Test
  void quantileKeepsRelativePrecisionDeepInTheLeftTail() {
    for (double p = 1e-300; p < 0.4; p *= 7.3) {
      double x = Gaussian.quantile(p);
      double back = Gaussian.cdf(x);
      assertTrue(Math.abs(back - p) <= 1e-12 * p, "p " + p + " -> x " + x + " -> " + back);
      if (p > 1e-12) {
        // 1 - p is rounded to within 1.2e-16, which moves the quantile by that over the density.
        double density = Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
        assertEquals(-x, Gaussian.quantile(1 - p), 1e-13 * Math.abs(x) + 1.2e-16 / density,
            "symmetry at p " + p);
      }
    }
  }

  @Test
  void knownValuesAndEdges() {
    assertEquals(0.0, Gaussian.quantile(0.5));
    assertEquals(1.959963984540054, Gaussian.quantile(0.975), 1e-15);
    assertEquals(-1.2815515655446004, Gaussian.quantile(0.1), 1e-15);
    assertEquals(Double.NEGATIVE_INFINITY, Gaussian.quantile(0));
    assertEquals(Double.POSITIVE_INFINITY, Gaussian.quantile(1));
    assertTrue(Double.isNaN(Gaussian.quantile(1.5)));
    assertEquals(0.8413447460685429, Gaussian.cdf(1), 1e-15);
    assertEquals(0.0, Gaussian.cdf(Double.NEGATIVE_INFINITY));
    assertEquals(1.0, Gaussian.cdf(Double.POSITIVE_INFINITY));
  }
}
