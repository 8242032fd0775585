package dev.graft.dsl.lora;

import static dev.graft.dsl.lora.ZooLaws.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.Conv;
import dev.graft.dsl.nn.ConvOptions;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import dev.graft.runtime.Linalg;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** LoRA-XS's own properties ({@link LoRAXSAdapter}; its laws run in {@link ZooCatalogTest}). */
class ZooLoRAXSTest {
  @Test
  void frozenFactorsAreTheTopSingularTripletsAndRStartsAtZero() {
    Tensor w = ZooMatrices.withSpectrum(Key.of(31), 6, 9, 7, 5, 3, 2, 1);
    Linear base = new Linear(w, Tensor.zeros(6));
    int r = 3;
    LoRAXSAdapter xs = LoRAXSAdapter.create(base, new AdapterConfig(r, 6, 0, Key.of(1)));
    assertSame(base, xs.base(), "LoRA-XS keeps W itself");
    assertEquals(Tensor.zeros(r, r), xs.loraR());
    // A = V_rᵀ has orthonormal rows; B A = U_r Σ_r V_rᵀ, the best rank-3 approximation.
    assertClose(ZooMatrices.eye(r), ZooMatrices.matmul(xs.loraA(),
        ZooMatrices.transpose(xs.loraA())), 1e-5, "A Aᵀ");
    assertClose(Linalg.svd(w).truncate(r).reconstruct(),
        ZooMatrices.matmul(xs.loraB(), xs.loraA()), 1e-5, "B A vs top-3 reconstruction");
    // The column norms of B are the top singular values.
    Tensor norms = xs.loraB().norm(0);
    assertEquals(7, norms.value(0), 1e-4);
    assertEquals(5, norms.value(1), 1e-4);
    assertEquals(3, norms.value(2), 1e-4);
  }

  @Test
  void mergedWeightIsWPlusScaledBRA() {
    Linear base = Linear.create(5, 4, Key.of(2));
    int r = 2;
    double s = 3.0 / r;
    LoRAXSAdapter xs = LoRAXSAdapter.create(base, new AdapterConfig(r, 3, 0, Key.of(3)));
    Tensor rm = Random.normal(Key.of(4), r, r);
    LoRAXSAdapter trained = new LoRAXSAdapter(xs.base(), xs.loraA(), xs.loraB(), rm, xs.scale(), 0);
    Tensor expected = base.weight().plus(ZooMatrices.matmul(ZooMatrices.matmul(xs.loraB(), rm),
        xs.loraA()).times((float) s));
    assertClose(expected, ((Linear) trained.merge()).weight(), 1e-5, "merged W + s·B R A");
    Tensor x = Random.normal(Key.of(5), 3, 5);
    assertClose(new Linear(expected, base.bias()).apply(x), trained.apply(x), 1e-5,
        "factored forward vs W + s·B R A");
  }

  @Test
  void convFactorsComeFromTheFlattenedKernel() {
    Conv conv = Conv2d.create(2, 4, 2, ConvOptions.defaults(), Key.of(6));
    LoRAXSAdapter xs = LoRAXSAdapter.create(conv, new AdapterConfig(3, 2, 0, Key.of(7)));
    assertClose(Linalg.svd(ConvLowRank.flatWeight(conv)).truncate(3).reconstruct(),
        ZooMatrices.matmul(xs.loraB(), xs.loraA()), 1e-5, "B A vs top-3 of W_f");
  }

  @Test
  void rankAboveMinOutInNamesAdapterAndRank() {
    Linear base = Linear.create(4, 3, Key.of(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LoRAXSAdapter.create(base, new AdapterConfig(4, 8, 0, Key.of(2))));
    assertTrue(e.getMessage().contains("LoRA-XS") && e.getMessage().contains("rank 4"),
        e.getMessage());
  }
}
