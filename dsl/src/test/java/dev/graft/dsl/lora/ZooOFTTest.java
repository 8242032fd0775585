package dev.graft.dsl.lora;

import static dev.graft.dsl.lora.ZooLaws.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** OFT's orthogonality ({@link OFTAdapter}, {@link Cayley}; laws in {@link ZooCatalogTest}). */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class ZooOFTTest {
  @Test
  void cayleyOfAnySIsOrthogonalAndEqualsTheExactFormula() {
    for (int r : new int[] {1, 2, 3, 5, 8, 13}) {
      Tensor s = Random.normal(Key.of(r), 3, r, r).times(1.5f);
      Tensor rot = Cayley.rotations(s);
      for (int i = 0; i < 3; i++) {
        Tensor ri = rot.get(i);
        assertClose(ZooMatrices.eye(r), ZooMatrices.matmul(ZooMatrices.transpose(ri), ri), 1e-5,
            "RᵀR for block " + i + ", r " + r);
        Tensor si = s.get(i);
        Tensor q = si.minus(ZooMatrices.transpose(si));
        Tensor exact = ZooMatrices.matmul(ZooMatrices.eye(r).plus(q),
            Linalg.inverse(ZooMatrices.eye(r).minus(q)));
        assertClose(exact, ri, 1e-5, "Cayley vs (I + Q) Linalg.inverse(I − Q), r " + r);
      }
    }
    assertClose(ZooMatrices.eye(4), Cayley.rotations(Tensor.zeros(1, 4, 4)).get(0), 0,
        "Cayley(0) = I");
  }

  @Test
  void blockInverseMatchesLinalgForMatricesWithPositiveDefiniteSymmetricPart() {
    for (int n : new int[] {1, 2, 3, 4, 7, 16}) {
      Tensor g = Random.normal(Key.of(100 + n), n, n);
      Tensor m = ZooMatrices.eye(n).times(2f).plus(g.minus(ZooMatrices.transpose(g)).times(3f))
          .plus(ZooMatrices.matmul(g, ZooMatrices.transpose(g)).times(0.1f));
      assertClose(Linalg.inverse(m), Cayley.inverse(m), 1e-5, "block inverse, n " + n);
    }
  }

  @Test
  void mergedRotationKeepsTheAnglesBetweenNeurons() {
    Linear base = Linear.create(12, 5, Key.of(1));
    OFTAdapter fresh = OFTAdapter.create(base, new AdapterConfig(4, 1, 0, Key.of(2)));
    assertEquals(Tensor.zeros(3, 4, 4), fresh.oftS());
    OFTAdapter trained = new OFTAdapter(base, Random.normal(Key.of(3), 3, 4, 4));
    Tensor w = base.weight();
    Tensor rotated = ((Linear) trained.merge()).weight();
    assertTrue(rotated.maxAbsDiff(w) > 1e-2, "a random S rotates the weight");
    assertClose(ZooMatrices.matmul(w, ZooMatrices.transpose(w)),
        ZooMatrices.matmul(rotated, ZooMatrices.transpose(rotated)), 1e-5,
        "W Wᵀ (neuron angles and norms) preserved");
    // W' = W Rᵀ with R block-diagonal: check against the dense block-diagonal matrix.
    Tensor rot = Cayley.rotations(trained.oftS());
    float[] dense = new float[12 * 12];
    for (int b = 0; b < 3; b++) {
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          dense[(b * 4 + i) * 12 + b * 4 + j] = rot.value(b, i, j);
        }
      }
    }
    Tensor r = Tensor.of(dense, 12, 12);
    assertClose(ZooMatrices.matmul(w, ZooMatrices.transpose(r)), rotated, 1e-5, "W Rᵀ");
    Tensor x = Random.normal(Key.of(4), 2, 12);
    assertClose(new Linear(rotated, base.bias()).apply(x), trained.apply(x), 1e-5,
        "input-rotating forward vs W Rᵀ");
  }

  @Test
  void convRotatesBlocksOfOutputChannels() {
    Conv conv = Conv2d.create(2, 6, 2, ConvOptions.defaults(), Key.of(5));   // out 6, flat_in 8
    OFTAdapter trained = new OFTAdapter(conv, Random.normal(Key.of(6), 3, 2, 2));
    Tensor wf = ConvLowRank.flatWeight(conv);
    Tensor rf = ConvLowRank.flatWeight((Conv) trained.merge());
    assertTrue(rf.maxAbsDiff(wf) > 1e-2, "a random S rotates the kernel");
    // W_f' = R W_f with R block-diagonal over the output channels
    Tensor rot = Cayley.rotations(trained.oftS());
    float[] dense = new float[6 * 6];
    for (int b = 0; b < 3; b++) {
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          dense[(b * 2 + i) * 6 + b * 2 + j] = rot.value(b, i, j);
        }
      }
    }
    assertClose(ZooMatrices.matmul(Tensor.of(dense, 6, 6), wf), rf, 1e-5, "R W_f");
    // an orthogonal map of the outputs keeps the filters' Gram matrix W_fᵀ W_f
    assertClose(ZooMatrices.matmul(ZooMatrices.transpose(wf), wf),
        ZooMatrices.matmul(ZooMatrices.transpose(rf), rf), 1e-5, "W_fᵀ W_f preserved");
    assertEquals(conv.bias(), ((Conv) trained.merge()).bias());
    Tensor x = Random.normal(Key.of(7), 1, 2, 4, 4);
    assertClose(trained.merge().apply(x), trained.apply(x), 1e-5, "forward vs merged");
  }

  @Test
  void convCountIsBlocksOfOutputChannels() {
    // jNO's OFTAdapter: n_blocks·r² with n_blocks = out_ch / r; Conv2d(4 → 8, k = 3) at r = 4 → 32
    Conv conv = Conv2d.create(4, 8, 3, ConvOptions.defaults(), Key.of(8));
    OFTAdapter oft = OFTAdapter.create(conv, new AdapterConfig(4, 1, 0, Key.of(9)));
    assertEquals(Tensor.zeros(2, 4, 4), oft.oftS());
    assertEquals(32, oft.trainableCount());
    assertEquals(32, dev.graft.dsl.Net.of(conv).freeze().lora(dev.graft.dsl.lora.LoraSpec
        .builder().rank(4).wrappers(java.util.List.of(OFTConv.FACTORY)).build())
        .trainableCount());
  }

  @Test
  void convBlockSizeThatDoesNotDivideOutChannelsIsRefusedNamingPathAndShapes() {
    Conv conv = Conv2d.create(4, 6, 3, ConvOptions.defaults(), Key.of(8));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> dev.graft.dsl.Net.of(dev.graft.dsl.nn.Sequential.of(conv)).freeze()
            .lora(dev.graft.dsl.lora.LoraSpec.builder().rank(4)
                .wrappers(java.util.List.of(OFTConv.FACTORY)).build()));
    assertTrue(e.getMessage().contains("'layers/0'") && e.getMessage().contains("(6, 4, 3, 3)")
        && e.getMessage().contains("rank 4") && e.getMessage().contains("output channels 6"),
        e.getMessage());
  }

  @Test
  void blockSizeThatDoesNotDivideInIsRefused() {
    Linear base = Linear.create(10, 3, Key.of(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OFTAdapter.create(base, new AdapterConfig(4, 1, 0, Key.of(2))));
    assertTrue(e.getMessage().contains("OFT") && e.getMessage().contains("rank 4")
        && e.getMessage().contains("10"), e.getMessage());
  }
}
