package dev.graft.dsl.lora;

import static dev.graft.dsl.lora.ZooLaws.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.Conv;
import dev.graft.dsl.nn.ConvOptions;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import dev.graft.runtime.Linalg;
import dev.graft.runtime.Random;
import dev.graft.runtime.Svd;
import dev.graft.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** PiSSA's own properties ({@link PiSSAAdapter}; its laws run in {@link ZooCatalogTest}). */
class ZooPiSSATest {
  @Test
  void adapterHoldsTheLargestSingularDirectionsAndResidualTheRest() {
    double[] sigma = {9, 6, 4, 2.5, 1.5, 0.5};
    Tensor w = ZooMatrices.withSpectrum(Key.of(11), 7, 9, sigma);
    Linear base = new Linear(w, Tensor.zeros(7));
    int r = 2;
    double alpha = 3;
    PiSSAAdapter p = PiSSAAdapter.create(base, new AdapterConfig(r, alpha, 0, Key.of(1)));
    double s = alpha / r;
    Tensor sba = ZooMatrices.matmul(p.loraB(), p.loraA()).times((float) s);

    // s·B A is the best rank-r approximation (the top two triplets) ...
    Svd exact = Linalg.svd(w);
    assertClose(exact.truncate(r).reconstruct(), sba, 1e-5, "s·B A vs top-r reconstruction");
    float[] sv = Linalg.svd(sba).s().toArray();
    assertEquals(9, sv[0], 1e-4);
    assertEquals(6, sv[1], 1e-4);
    assertEquals(0, sv[2], 1e-4);
    // ... the residual keeps the others, and W_res + s·B A = W.
    float[] res = Linalg.svd(p.view().matrix()).s().toArray();
    assertEquals(4, res[0], 1e-4);
    assertEquals(0.5, res[3], 1e-4);
    assertEquals(0, res[4], 1e-4);
    assertClose(w, p.view().matrix().plus(sba), 1e-6, "W_res + s·B A vs W");
    // A and B carry √(Σ/s) each: the rows of A have norms √(σ/s).
    Tensor rowNorms = p.loraA().norm(1);
    assertEquals(Math.sqrt(9 / s), rowNorms.value(0), 1e-4);
    assertEquals(Math.sqrt(6 / s), rowNorms.value(1), 1e-4);
    assertClose(rowNorms, p.loraB().norm(0), 1e-5, "column norms of B vs row norms of A");
  }

  @Test
  void convSplitsTheFlattenedKernel() {
    Conv conv = Conv2d.create(4, 6, 3, ConvOptions.defaults().groups(2), Key.of(3));
    PiSSAAdapter p = PiSSAAdapter.create(conv, new AdapterConfig(3, 8, 0, Key.of(4)));
    Tensor wf = ConvLowRank.flatWeight(conv);
    Tensor sba = ZooMatrices.matmul(p.loraB(), p.loraA()).times((float) (8.0 / 3));
    assertClose(Linalg.svd(wf).truncate(3).reconstruct(), sba, 1e-5, "s·B A vs top-3 of W_f");
    assertClose(wf, p.view().matrix().plus(sba), 1e-6, "W_res + s·B A vs W_f");
    assertEquals(conv.bias(), ((Conv) p.base()).bias());
  }

  @Test
  void aboveTheSizeThresholdTheRandomizedSvdIsUsedAndTheLayerIsUnchanged() {
    int n = 300;
    int r = 4;
    assertFalse(SvdInit.exact(n, n), "a 300x300 weight is above the exact-SVD threshold");
    assertTrue(SvdInit.exact(256, 256) && SvdInit.exact(1024, 256), "at the thresholds: exact");
    assertFalse(SvdInit.exact(257, 257) || SvdInit.exact(1025, 256), "past them: randomized");
    Linear base = Linear.create(n, n, Key.of(21));
    PiSSAAdapter p = PiSSAAdapter.create(base, new AdapterConfig(r, 16, 0, Key.of(22)));

    SvdInit.Split expected = SvdInit.principal("test", base.weight(),
        Linalg.randomizedSvd(base.weight(), r), 16.0 / r);
    assertEquals(expected.a(), p.loraA(), "A from the randomized SVD");
    assertEquals(expected.b(), p.loraB(), "B from the randomized SVD");

    Tensor x = Random.normal(Key.of(23), 5, n);
    assertClose(base.apply(x), p.apply(x), 1e-4, "300x300 PiSSA at init vs base");
    assertClose(base.weight(), p.view().matrix().plus(
        LowRank.product(p.loraB(), p.loraA(), 16.0 / r)), 1e-6, "W_res + s·B A vs W");
  }

  @Test
  void rankAboveMinOutInNamesAdapterAndRank() {
    Linear base = Linear.create(5, 3, Key.of(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PiSSAAdapter.create(base, new AdapterConfig(4, 8, 0, Key.of(2))));
    assertTrue(e.getMessage().contains("PiSSA") && e.getMessage().contains("rank 4")
        && e.getMessage().contains("min(out, in) = 3"), e.getMessage());
  }

  @Test
  void nonPositiveAlphaIsRefused() {
    Linear base = Linear.create(5, 3, Key.of(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PiSSAAdapter.create(base, new AdapterConfig(2, 0, 0, Key.of(2))));
    assertTrue(e.getMessage().contains("PiSSA") && e.getMessage().contains("s = 0"),
        e.getMessage());
  }
}
