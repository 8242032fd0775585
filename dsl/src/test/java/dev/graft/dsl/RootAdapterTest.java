package dev.graft.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.optim.Sgd;
import dev.graft.dsl.train.Batch;
import dev.graft.dsl.train.Losses;
import dev.graft.dsl.tree.Path;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A net whose root is itself the layer ({@code Net.of(linear)}) is adapted like any node. */
class RootAdapterTest {

  @Test
  void aBareLinearRootIsAdapted() {
    Linear linear = Linear.create(5, 3, Key.of(1));
    Tensor x = Random.normal(Key.of(2), 4, 5);
    Net net = Net.of(linear).freeze().lora(2, 4.0);
    assertInstanceOf(LoRAAdapter.class, net.module());
    assertEquals(List.of(Path.root()), List.copyOf(net.adapters().keySet()));
    assertEquals(List.of(Path.of("loraA"), Path.of("loraB")), net.trainablePaths());
    assertEquals(2 * (5 + 3), net.trainableCount());
    ZooCheck.close(linear.apply(x), net.apply(x));

    Net trained = net.fit(List.of(new Batch(x, Random.normal(Key.of(3), 4, 3))),
        (m, b) -> Losses.mse(m.apply(b.inputs()), b.targets()), Sgd.of(0.1), 3);
    Net merged = trained.merge();
    assertInstanceOf(Linear.class, merged.module());
    ZooCheck.close(trained.apply(x), merged.apply(x));
    assertEquals(trained.module(), merged.unmerge().module());
    Net off = trained.disableAdapters();
    assertEquals(linear, off.module());
    assertInstanceOf(LoraWrapper.class, off.enableAdapters().module());
  }

  @Test
  void aRootAdapterSavesAndLoads(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    Linear linear = Linear.create(5, 3, Key.of(1));
    Net net = Net.of(linear).freeze().lora(2, 4.0);
    Net moved = net.withModule(dev.graft.dsl.tree.Tree.map(net.module(), t -> t.plus(0.5f)));
    moved.save(dir.resolve("m.safetensors"));
    assertEquals(moved.module(), Net.load(dir.resolve("m.safetensors"), net.module()).module());
    moved.saveAdapter(dir.resolve("adapter"));
    Net back = net.loadAdapter(dir.resolve("adapter"));
    assertEquals(((LoRAAdapter) moved.module()).loraB(), ((LoRAAdapter) back.module()).loraB());
  }

  /** Tiny assertion helper: equal up to float32 rounding. */
  static final class ZooCheck {
    static void close(Tensor expected, Tensor actual) {
      assertTrue(expected.allClose(actual, 1e-5, 1e-6), expected + " vs " + actual);
    }
  }
}
