package dev.graft.dsl.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.graft.dsl.Net;
import dev.graft.dsl.nn.Conv1d;
import dev.graft.dsl.nn.GroupedLinear;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A spec without wrappers adapts Linear, Conv and GroupedLinear layers, each with its LoRA. */
class DefaultWrappersTest {

  @Test
  void linearConvAndGroupedLinearAreAdaptedByDefault() {
    Sequential model = Sequential.of(Conv1d.create(2, 3, 2, Key.of(1)),
        GroupedLinear.create(4, 6, 5, true, Key.of(2)), Linear.create(5, 2, Key.of(3)));
    Net net = Net.of(model).freeze().lora(2, 4.0);
    assertInstanceOf(LoRAConv.class, Tree.get(net.module(), Path.of("layers/0")));
    assertInstanceOf(LoRAGroupedLinear.class, Tree.get(net.module(), Path.of("layers/1")));
    assertInstanceOf(LoRALinear.class, Tree.get(net.module(), Path.of("layers/2")));
    assertEquals(List.of(LoRALinear.FACTORY, LoRAConv.FACTORY, LoRAGroupedLinear.FACTORY),
        LoraSpec.DEFAULT_WRAPPERS);
    // G·r·(in + out) for the grouped layer, r·(flat_in + out) and r·(in + out) for the others
    assertEquals(2 * (2 * 2 + 3) + 4 * 2 * (6 + 5) + 2 * (5 + 2), net.trainableCount());
  }
}
