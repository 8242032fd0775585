package dev.graft.dsl.lora;

import static dev.graft.dsl.lora.ZooLaws.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.nn.Conv1d;
import dev.graft.dsl.nn.Conv;
import dev.graft.dsl.nn.ConvOptions;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import dev.graft.runtime.Linalg;
import dev.graft.runtime.Svd;
import dev.graft.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** MiLoRA's own properties ({@link MiLoRAAdapter}; its laws run in {@link ZooCatalogTest}). */
class ZooMiLoRATest {
  @Test
  void adapterHoldsTheSmallestSingularDirectionsAndResidualTheRest() {
    double[] sigma = {9, 6, 4, 2.5, 1.5, 0.5};
    Tensor w = ZooMatrices.withSpectrum(Key.of(12), 8, 6, sigma);
    Linear base = new Linear(w, null);
    int r = 2;
    double alpha = 5;
    MiLoRAAdapter m = MiLoRAAdapter.create(base, new AdapterConfig(r, alpha, 0, Key.of(1)));
    double s = alpha / r;
    Tensor sba = ZooMatrices.matmul(m.loraB(), m.loraA()).times((float) s);

    // s·B A is the part of W along its two smallest triplets ...
    Svd exact = Linalg.svd(w);
    Svd minor = new Svd(exact.u().slice(1, 4, 6), exact.s().slice(0, 4, 6),
        exact.vt().slice(0, 4, 6));
    assertClose(minor.reconstruct(), sba, 1e-5, "s·B A vs the bottom-2 part of W");
    float[] sv = Linalg.svd(sba).s().toArray();
    assertEquals(1.5, sv[0], 1e-4);
    assertEquals(0.5, sv[1], 1e-4);
    assertEquals(0, sv[2], 1e-4);
    // ... the residual keeps the principal ones untouched, and W_res + s·B A = W.
    float[] res = Linalg.svd(m.view().matrix()).s().toArray();
    float[] expected = {9, 6, 4, 2.5f, 0, 0};
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], res[i], 1e-4, "singular value " + i + " of W_res");
    }
    assertClose(w, m.view().matrix().plus(sba), 1e-6, "W_res + s·B A vs W");
    Tensor rowNorms = m.loraA().norm(1);
    assertEquals(Math.sqrt(1.5 / s), rowNorms.value(0), 1e-4);
    assertEquals(Math.sqrt(0.5 / s), rowNorms.value(1), 1e-4);
  }

  @Test
  void convSplitsTheFlattenedKernelAlongItsMinorDirections() {
    Conv conv = Conv1d.create(3, 5, 2, ConvOptions.defaults(), Key.of(5));
    int r = 2;
    MiLoRAAdapter m = MiLoRAAdapter.create(conv, new AdapterConfig(r, 4, 0, Key.of(6)));
    Tensor wf = ConvLowRank.flatWeight(conv);                       // (5, 6)
    Svd exact = Linalg.svd(wf);                                     // 5 triplets
    Svd minor = new Svd(exact.u().slice(1, 3, 5), exact.s().slice(0, 3, 5),
        exact.vt().slice(0, 3, 5));
    Tensor sba = ZooMatrices.matmul(m.loraB(), m.loraA()).times(2f);
    assertClose(minor.reconstruct(), sba, 1e-5, "s·B A vs the bottom-2 part of W_f");
    assertClose(wf, m.view().matrix().plus(sba), 1e-6, "W_res + s·B A vs W_f");
  }

  @Test
  void differsFromPiSSAOnTheSameLayer() {
    Linear base = Linear.create(6, 6, Key.of(8));
    AdapterConfig config = new AdapterConfig(2, 4, 0, Key.of(9));
    Tensor minor = MiLoRAAdapter.create(base, config).view().matrix();
    Tensor principal = PiSSAAdapter.create(base, config).view().matrix();
    assertTrue(minor.maxAbsDiff(principal) > 1e-2, "MiLoRA and PiSSA leave different residuals");
  }

  @Test
  void rankAboveMinOutInNamesAdapterAndRank() {
    Linear base = Linear.create(2, 6, Key.of(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MiLoRAAdapter.create(base, new AdapterConfig(3, 8, 0, Key.of(2))));
    assertTrue(e.getMessage().contains("MiLoRA") && e.getMessage().contains("rank 3")
        && e.getMessage().contains("min(out, in) = 2"), e.getMessage());
  }
}
