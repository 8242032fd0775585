package dev.graft.dsl.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.nn.Conv1d;
import dev.graft.dsl.nn.GroupedLayer;
import dev.graft.dsl.nn.GroupedLinear;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A spec without wrappers adapts Linear, Conv and GroupedLinear layers, each with its LoRA. */
class DefaultWrappersTest {
  /** A mixture-of-experts block: a router-chosen expert per row, then a shared projection. */
  record Experts(Layer experts, Layer out, int[] groups) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return out.apply(((GroupedLayer) experts).apply(x, groups).relu());
    }
  }

  @Test
  void aModelCallingThroughGroupedLayerWorksAdaptedMergedAndDisabled() {
    Experts model = new Experts(GroupedLinear.create(3, 4, 6, true, Key.of(1)),
        Linear.create(6, 2, Key.of(2)), new int[] {0, 2, 1, 1, 0});
    Tensor x = Random.normal(Key.of(3), 5, 4);
    Net net = ZooLaws.perturbed(Net.of(model).freeze().lora(2, 4.0), 4, 0.3f);
    LoRAAdapter experts = assertInstanceOf(LoRAAdapter.class,
        Tree.get(net.module(), Path.of("experts")));
    assertInstanceOf(GroupedLinear.class, experts.base());
    Tensor adapted = net.apply(x);
    assertNotEquals(model.apply(x), adapted);
    assertTrue(net.merge().apply(x).allClose(adapted, 1e-5, 1e-5));
    assertEquals(model.apply(x), net.disableAdapters().apply(x));
  }

  @Test
  void linearConvAndGroupedLinearAreAdaptedByDefault() {
    Sequential model = Sequential.of(Conv1d.create(2, 3, 2, Key.of(1)),
        GroupedLinear.create(4, 6, 5, true, Key.of(2)), Linear.create(5, 2, Key.of(3)));
    Net net = Net.of(model).freeze().lora(2, 4.0);
    assertInstanceOf(LoRAAdapter.class, Tree.get(net.module(), Path.of("layers/0")));
    assertInstanceOf(LoRAAdapter.class, Tree.get(net.module(), Path.of("layers/1")));
    assertInstanceOf(LoRAAdapter.class, Tree.get(net.module(), Path.of("layers/2")));
    assertEquals(List.of(LoRAAdapter.FACTORY), LoraSpec.DEFAULT_WRAPPERS);
    // G·r·(in + out) for the grouped layer, r·(flat_in + out) and r·(in + out) for the others
    assertEquals(2 * (2 * 2 + 3) + 4 * 2 * (6 + 5) + 2 * (5 + 2), net.trainableCount());
  }
}
