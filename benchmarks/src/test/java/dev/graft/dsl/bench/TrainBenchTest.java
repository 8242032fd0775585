package dev.graft.dsl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import dev.graft.dsl.lora.DoRAAdapter;
import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.train.Losses;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's workloads are torch_lora.py's: the same trainable parameter counts (as its
 * output prints them), adapters on every Linear, a base that starts equal to the adapted net, and
 * a profile that accounts for the primitives of a step.
 */
class TrainBenchTest {
  private static TrainBench bench(int width, int batch) {
    return TrainBench.forWorkload(width, batch, 4, 8, 16);
  }

  @Test
  void trainableCountsMatchTorchLoraPy() {
    // torch_lora.py prints these for 4x Linear(w, w), r = 8: LoRA 2·r·w per layer, full
    // fine-tuning w² + w per layer, DoRA LoRA's plus w magnitudes per layer.
    for (int w : new int[] {64, 256, 1024}) {
      TrainBench b = bench(w, 8);
      assertEquals(4L * 8 * 2 * w, b.net("lora").trainableCount(), "lora, width " + w);
      assertEquals(4L * (w * w + w), b.net("full").trainableCount(), "full, width " + w);
      assertEquals(4L * (8 * 2 * w + w), b.net("dora").trainableCount(), "dora, width " + w);
    }
    assertEquals(65_536, bench(1024, 256).net("lora").trainableCount());
    assertEquals(4_198_400, bench(1024, 256).net("full").trainableCount());
    assertEquals(69_632, bench(1024, 256).net("dora").trainableCount());
  }

  @Test
  void adaptersWrapEveryLinearAndStartAsTheBase() {
    TrainBench b = bench(64, 32);
    Tensor x = b.data()[0];
    Tensor base = b.base().apply(x);
    for (String v : List.of("lora", "dora")) {
      Net net = b.net(v);
      assertEquals(4, net.adapters().size(), v);
      Class<?> type = v.equals("lora") ? LoRAAdapter.class : DoRAAdapter.class;
      net.adapters().values().forEach(a -> assertTrue(type.isInstance(a), v + ": " + a));
      assertTrue(net.module().apply(x).allClose(base, 1e-5, 1e-5), v + " starts as the base");
    }
  }

  @Test
  void theProfileSeesEveryPrimitiveOfAForwardAndBackwardPass() {
    TrainBench b = bench(64, 32);
    Tensor[] xy = b.data();
    Net net = b.net("lora");
    PrimitiveProfile prof = new PrimitiveProfile();
    prof.phase("fwd");
    prof.run(() -> net.valueAndGrad(m -> {
      Tensor l = Losses.mse(m.apply(xy[0]), xy[1]);
      prof.phase("bwd");
      return l;
    }));
    String report = prof.report(1);
    // Forward: 4 base matmuls (x·Wᵀ) and 8 adapter matmuls; backward: dX through 3 frozen
    // weights (no dW), and the adapters' own products.
    assertTrue(report.contains("4.0  ") && report.contains("fwd MATMUL NT [32,64] [64,64]"),
        report);
    assertTrue(report.contains("bwd MATMUL NN [32,64] [64,64]"), report);
    assertTrue(!report.contains("bwd MATMUL TN [32,64] [32,64]"),
        "a frozen weight got a gradient:\n" + report);
    assertTrue(report.contains("(wall per run)"), report);
  }
}
