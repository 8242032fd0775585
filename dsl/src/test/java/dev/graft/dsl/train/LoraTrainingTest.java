package dev.graft.dsl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.nn.Activation;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.optim.AdamW;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * End to end: LoRA on a frozen MLP learns a low-rank change of the MLP's weights with AdamW, and
 * the frozen leaves come out as the very same objects.
 */
class LoraTrainingTest {
  @Test
  void loraRecoversALowRankShiftTenfoldAndLeavesTheBaseUntouched() {
    Mlp base = Mlp.create(new int[] {8, 32, 4}, Activation.TANH, Key.of(3));
    // The teacher is the base with a rank-2 change added to every weight.
    Layer teacher = base;
    int k = 0;
    for (Path p : Tree.paths(base)) {
      if (p.toString().endsWith("weight")) {
        Tensor w = Tree.leaf(base, p);
        Tensor u = Random.normal(Key.of(10).foldIn(k), w.dim(0), 2);
        Tensor v = Random.normal(Key.of(20).foldIn(k++), 2, w.dim(1));
        teacher = Tree.set(teacher, p, w.plus(u.matmul(v).times(0.15f)));
      }
    }
    Tensor x = Random.normal(Key.of(4), 128, 8);
    Tensor y = teacher.apply(x);
    List<Batch> batches = Batch.split(x, y, 32);

    Net net = Net.of(base).freeze().lora(4, 8.0);
    Map<Path, Tensor> before = Tree.leavesByPath(net.module());
    double start = Losses.mse(net.apply(x), y).item();

    long t0 = System.nanoTime();
    TrainResult<Net> r = Trainer.builder().optimizer(AdamW.of(1e-2)).epochs(40).progressBar(false)
        .build().fit(net, batches, (m, b) -> Losses.mse(m.apply(b.inputs()), b.targets()));
    double seconds = (System.nanoTime() - t0) / 1e9;
    double end = Losses.mse(r.net().apply(x), y).item();

    assertTrue(end * 10 <= start, "loss " + start + " -> " + end);
    System.out.printf("LoRA MLP regression: loss %.4g -> %.4g (x%.0f) in %d steps, %.2f s%n",
        start, end, start / end, r.history().steps(), seconds);

    Map<Path, Tensor> after = Tree.leavesByPath(r.net().module());
    assertEquals(before.keySet(), after.keySet());
    List<Path> trainable = net.trainablePaths();
    for (Map.Entry<Path, Tensor> e : before.entrySet()) {
      if (trainable.contains(e.getKey())) {
        assertNotSame(e.getValue(), after.get(e.getKey()), e.getKey() + " should have trained");
      } else {
        assertSame(e.getValue(), after.get(e.getKey()), e.getKey() + " is frozen");
      }
    }
    assertEquals(trainable, r.net().trainablePaths());
  }
}
