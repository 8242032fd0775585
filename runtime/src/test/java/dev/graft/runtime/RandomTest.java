package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.graft.runtime.kernel.Parallel;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RandomTest {
  private static final int N = 100_000;
  private static final Key KEY = Key.of(20240601);

  /** Every sampler, by name, as a function of the key and a 1-d length. */
  private static final List<Sampler> SAMPLERS = List.of(
      new Sampler("uniform", k -> n -> Random.uniform(k, -3f, 5f, n)),
      new Sampler("normal", k -> n -> Random.normal(k, n)),
      new Sampler("truncatedNormal", k -> n -> Random.truncatedNormal(k, -1f, 2.5f, n)),
      new Sampler("bernoulli", k -> n -> Random.bernoulli(k, 0.37f, n)));

  private record Sampler(String name, Function<Key, Function<Integer, Tensor>> draw) {
    Tensor of(Key k, int n) {
      return draw.apply(k).apply(n);
    }
  }

  @Test
  void sameKeySameTensorDifferentKeyDifferentTensor() {
    for (Sampler s : SAMPLERS) {
      assertEquals(s.of(KEY, 1000), s.of(KEY, 1000), s.name());
      assertNotEquals(s.of(KEY, 1000), s.of(KEY.foldIn(1), 1000), s.name());
    }
  }

  @Test
  void parallelGenerationEqualsSingleThread() {
    int n = (1 << 18) + 3; // odd, well above the parallel threshold
    System.out.println("Random: comparing " + Parallel.THREADS + "-thread and 1-thread generation");
    for (Sampler s : SAMPLERS) {
      Tensor parallel = s.of(KEY, n);
      Tensor single = Random.sequentially(() -> s.of(KEY, n));
      assertEquals(single, parallel, s.name());
    }
  }

  @Test
  void elementDependsOnlyOnKeyAndIndex() {
    qt().withExamples(30).forAll(integers().between(1, 3000), integers().between(1, 3000))
        .checkAssert((a, b) -> {
          int small = Math.min(a, b);
          int big = Math.max(a, b);
          for (Sampler s : SAMPLERS) {
            float[] x = s.of(KEY, small).toArray();
            float[] y = Arrays.copyOf(s.of(KEY, big).toArray(), small);
            assertArrayEquals(x, y, s.name() + " " + small + " vs " + big);
          }
        });
  }

  @Test
  void shapeOnlyArrangesTheSameStream() {
    assertArrayEquals(Random.normal(KEY, 24).toArray(), Random.normal(KEY, 2, 3, 4).toArray());
    assertArrayEquals(new int[] {2, 3, 4}, Random.normal(KEY, 2, 3, 4).shape());
    assertEquals(0, Random.uniform(KEY, 0f, 1f, 0, 5).size());
    assertArrayEquals(new int[0], Random.normal(KEY).shape());
  }

  @Test
  void uniformMomentsAndBounds() {
    float lo = -3f;
    float hi = 5f;
    float[] x = Random.uniform(KEY, lo, hi, N).toArray();
    for (float v : x) {
      assertTrue(v >= lo && v < hi, () -> "out of [" + lo + ", " + hi + "): " + v);
    }
    double w = hi - lo;
    assertMoments("uniform", x, (lo + hi) / 2.0, w * w / 12, w * w * w * w / 80);
    // Uniform on [0, 1): Kolmogorov–Smirnov against the identity CDF.
    float[] u = Random.uniform(KEY.foldIn(3), 0f, 1f, N).toArray();
    assertKs("uniform", u, v -> v);
  }

  @Test
  void uniformNeverReachesHighEvenWhenRoundingWould() {
    // A one-ulp-wide interval: low + width·u rounds to high for u near 1 unless clamped.
    float lo = 1f;
    float hi = Math.nextUp(1f);
    for (float v : Random.uniform(KEY, lo, hi, 10_000).toArray()) {
      assertEquals(lo, v);
    }
    for (float v : Random.uniform(KEY, 2f, 2f, 10).toArray()) {
      assertEquals(2f, v);
    }
  }

  @Test
  void normalMomentsAndDistribution() {
    float[] z = Random.normal(KEY, N).toArray();
    assertMoments("normal", z, 0, 1, 3);
    assertKs("normal", z, Gaussian::cdf);
    double maxAbs = 0;
    for (float v : z) {
      assertTrue(Float.isFinite(v));
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    assertTrue(maxAbs > 3.5 && maxAbs < 6.4, "max |z| of 1e5 normals: " + maxAbs);
    assertTrue(Math.abs(Gaussian.quantile(Random.unitOpen(0))) < 6.4, "extreme normal sample");
  }

  @Test
  void truncatedNormalRespectsBoundsAndMatchesTheory() {
    float[][] bounds = {{-2f, 2f}, {-1f, 2.5f}, {0.5f, 1f}, {3f, 6f}, {-9f, -7f},
        {Float.NEGATIVE_INFINITY, -1f}, {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}};
    for (float[] b : bounds) {
      double a = b[0];
      double c = b[1];
      float[] x = Random.truncatedNormal(KEY, b[0], b[1], N).toArray();
      for (float v : x) {
        assertTrue(v >= b[0] && v <= b[1], () -> "truncatedNormal [" + a + ", " + c + "]: " + v);
      }
      // Moments of the truncated normal: m = (φ(a) - φ(c)) / Z, v = 1 + (aφ(a) - cφ(c)) / Z - m².
      double z = Gaussian.cdf(c) - Gaussian.cdf(a);
      double lowTail = Gaussian.cdf(-c) - Gaussian.cdf(-a); // same Z, mirrored: precise in tails
      if (a >= 0) {
        z = -lowTail;
      }
      double mean = (pdf(a) - pdf(c)) / z;
      double var = 1 + (xpdf(a) - xpdf(c)) / z - mean * mean;
      assertMoments("truncatedNormal [" + a + ", " + c + "]", x, mean, var, 3 * var * var);
      double za = z;
      if (a >= 0) {
        assertKs("truncatedNormal", x, v -> (Gaussian.cdf(-a) - Gaussian.cdf(-v)) / za);
      } else {
        assertKs("truncatedNormal", x, v -> (Gaussian.cdf(v) - Gaussian.cdf(a)) / za);
      }
    }
  }

  private static double pdf(double x) {
    return Double.isInfinite(x) ? 0 : Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
  }

  private static double xpdf(double x) {
    return Double.isInfinite(x) ? 0 : x * pdf(x);
  }

  @Test
  void bernoulliRateAndValues() {
    for (float p : new float[] {0.01f, 0.37f, 0.5f, 0.9f}) {
      float[] x = Random.bernoulli(KEY, p, N).toArray();
      for (float v : x) {
        assertTrue(v == 0f || v == 1f);
      }
      double pq = p * (1.0 - p);
      assertMoments("bernoulli " + p, x, p, pq, pq * (1 - 3 * pq));
    }
    for (float v : Random.bernoulli(KEY, 0f, 1000).toArray()) {
      assertEquals(0f, v);
    }
    for (float v : Random.bernoulli(KEY, 1f, 1000).toArray()) {
      assertEquals(1f, v);
    }
  }

  @Test
  void permutationIsAUniformShuffle() {
    qt().withExamples(50).forAll(integers().between(0, 500)).checkAssert(n -> {
      int[] p = Random.permutation(KEY.foldIn(n), n);
      int[] sorted = p.clone();
      Arrays.sort(sorted);
      for (int i = 0; i < n; i++) {
        assertEquals(i, sorted[i]);
      }
      assertArrayEquals(p, Random.permutation(KEY.foldIn(n), n));
    });
    // Where element 0 lands, over many keys: chi-square with 9 degrees of freedom.
    int n = 10;
    int trials = 20_000;
    int[] counts = new int[n];
    for (int t = 0; t < trials; t++) {
      int[] p = Random.permutation(KEY.foldIn(t), n);
      for (int i = 0; i < n; i++) {
        if (p[i] == 0) {
          counts[i]++;
        }
      }
    }
    double expected = trials / (double) n;
    double chi2 = 0;
    for (int c : counts) {
      chi2 += (c - expected) * (c - expected) / expected;
    }
    assertTrue(chi2 < 27.9, "chi-square " + chi2 + " over positions " + Arrays.toString(counts));
  }

  @Test
  void invalidArgumentsNameTheSampler() {
    var e = assertThrows(IllegalArgumentException.class, () -> Random.uniform(KEY, 2f, 1f, 3));
    assertEquals("uniform: need finite low <= high, got low 2.0, high 1.0 for shape (3,)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Random.bernoulli(KEY, 1.5f, 2, 2));
    assertEquals("bernoulli: p must be in [0, 1], got 1.5 for shape (2, 2)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Random.truncatedNormal(KEY, 1f, 1f, 4));
    assertEquals("truncatedNormal: need lower < upper, got lower 1.0, upper 1.0 for shape (4,)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Random.normal(KEY, 3, -1));
    assertEquals("normal: negative dimension in shape (3, -1)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Random.truncatedNormal(KEY, 40f, 41f, 4));
    assertTrue(e.getMessage().startsWith("truncatedNormal: [40.0, 41.0] has probability"));
  }

  @Test
  void generationSpeed() {
    int n = 1 << 21;
    Random.normal(KEY, 1 << 16); // warm up
    long t0 = System.nanoTime();
    Random.normal(KEY, n);
    long t1 = System.nanoTime();
    Random.uniform(KEY, 0f, 1f, n);
    long t2 = System.nanoTime();
    Random.truncatedNormal(KEY, -2f, 2f, n);
    long t3 = System.nanoTime();
    System.out.printf("Random: 2M samples: normal %.1f ms, uniform %.1f ms, truncatedNormal %.1f ms%n",
        (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
  }

  /**
   * Sample mean within 5 standard errors of {@code mean}, and sample variance within 5 standard
   * errors of {@code var} given the fourth central moment {@code mu4} (so a wrong law fails;
   * an overestimated {@code mu4} only loosens the check).
   */
  static void assertMoments(String what, float[] x, double mean, double var, double mu4) {
    int n = x.length;
    double s = 0;
    for (float v : x) {
      s += v;
    }
    double m = s / n;
    double ss = 0;
    for (float v : x) {
      ss += (v - m) * (v - m);
    }
    double sv = ss / (n - 1);
    double meanTol = 5 * Math.sqrt(var / n);
    // The second term covers the (mean error)² inside the sample variance.
    double varTol = 5 * Math.sqrt(Math.max(mu4 - var * var, 0) / n) + 25 * var / n;
    assertTrue(Math.abs(m - mean) <= meanTol,
        what + ": mean " + m + " vs " + mean + " (tol " + meanTol + ")");
    assertTrue(Math.abs(sv - var) <= varTol,
        what + ": variance " + sv + " vs " + var + " (tol " + varTol + ")");
  }

  /**
   * Kolmogorov–Smirnov distance of the first 10 000 samples to {@code cdf} below the 0.1%
   * critical value (a subsample keeps the slow double-precision CDFs cheap).
   */
  static void assertKs(String what, float[] x, java.util.function.DoubleUnaryOperator cdf) {
    float[] s = Arrays.copyOf(x, Math.min(x.length, 10_000));
    Arrays.sort(s);
    int n = s.length;
    double d = 0;
    for (int i = 0; i < n; i++) {
      double f = cdf.applyAsDouble(s[i]);
      d = Math.max(d, Math.max(Math.abs((i + 1.0) / n - f), Math.abs(f - (double) i / n)));
    }
    double critical = 1.95 / Math.sqrt(n);
    assertTrue(d < critical, what + ": KS distance " + d + " >= " + critical);
  }
}
