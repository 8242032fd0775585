package dev.graft.dsl;

import dev.graft.dsl.nn.Conv;
import dev.graft.dsl.tree.Layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.nn.Activation;
import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.ConvOptions;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.tree.Mask;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The fluent semantics of {@link Net}: freeze, mask, lora, merge, unmerge, disable. */
class NetTest {
  private static final Key KEY = Key.of(7);

  private static Mlp mlp() {
    return Mlp.create(new int[] {6, 5, 4, 3}, Activation.RELU, KEY);
  }

  private static Set<String> trainable(Net net) {
    return net.trainablePaths().stream().map(Path::toString).collect(Collectors.toSet());
  }

  /** Perturbs every trainable leaf so adapters stop being the identity. */
  static Net perturbed(Net net, long seed) {
    Layer m = net.module();
    int i = 0;
    for (Path p : net.trainablePaths()) {
      Tensor t = Tree.leaf(m, p);
      m = Tree.set(m, p, t.plus(Random.normal(Key.of(seed).foldIn(i++), t.shape()).times(0.3f)));
    }
    return Net.of(m).freeze().unfreeze(Mask.of(net.trainablePaths()));
  }

  @Test
  void freshNetTrainsEverything() {
    Net net = Net.of(mlp());
    assertEquals(6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3, net.trainableCount());
    assertEquals(net.totalCount(), net.trainableCount());
  }

  @Test
  void loraWithoutFreezeKeepsOtherLeavesTrainableAndFreezesWrappedBases() {
    Net net = Net.of(mlp()).lora(2, 4.0, "layers/0");
    assertEquals(Set.of("layers/0/loraA", "layers/0/loraB", "layers/1/weight", "layers/1/bias",
        "layers/2/weight", "layers/2/bias"), trainable(net));
  }

  @Test
  void freezeThenLoraTrainsOnlyAdapters() {
    Net net = Net.of(mlp()).freeze().lora(2, 4.0);
    assertEquals(Set.of("layers/0/loraA", "layers/0/loraB", "layers/1/loraA", "layers/1/loraB",
        "layers/2/loraA", "layers/2/loraB"), trainable(net));
    assertEquals(2 * (6 + 5) + 2 * (5 + 4) + 2 * (4 + 3), net.trainableCount());
    assertInstanceOf(LoRAAdapter.class, Tree.get(net.module(), Path.of("layers/1")));
  }

  @Test
  void maskAndTargetIntersect() {
    Net net = Net.of(mlp()).freeze().mask(Mask.regex("layers/[01]/.*")).lora(2, 4.0, "layers/1");
    assertEquals(Set.of("layers/1/loraA", "layers/1/loraB"), trainable(net));
  }

  @Test
  void firstMatchingSpecWins() {
    Net net = Net.of(mlp()).freeze().lora(
        LoraSpec.builder().rank(1).alpha(1).target("layers/0").build(),
        LoraSpec.builder().rank(3).alpha(1).build());
    LoRAAdapter first = (LoRAAdapter) Tree.get(net.module(), Path.of("layers/0"));
    LoRAAdapter second = (LoRAAdapter) Tree.get(net.module(), Path.of("layers/1"));
    assertEquals(1, first.loraA().dim(0));
    assertEquals(3, second.loraA().dim(0));
  }

  @Test
  void startsAsIdentityAndMergeEqualsAdapted() {
    Tensor x = Random.normal(Key.of(3), 7, 6);
    Net base = Net.of(mlp());
    Net adapted = base.freeze().lora(2, 4.0);
    assertTrue(adapted.apply(x).allClose(base.apply(x), 1e-6, 1e-6));
    Net trained = perturbed(adapted, 11);
    Net merged = trained.merge();
    assertInstanceOf(Linear.class, Tree.get(merged.module(), Path.of("layers/0")));
    assertTrue(merged.apply(x).allClose(trained.apply(x), 1e-4, 1e-5));
    assertEquals(trained.module(), merged.unmerge().module());
    assertSame(Tree.get(trained.module(), Path.of("layers/0")),
        Tree.get(merged.unmerge().module(), Path.of("layers/0")));
  }

  @Test
  void disabledAdaptersGiveTheBaseForward() {
    Tensor x = Random.normal(Key.of(3), 7, 6);
    Net base = Net.of(mlp());
    Net trained = perturbed(base.freeze().lora(2, 4.0), 5);
    assertTrue(trained.disableAdapters().apply(x).allClose(base.apply(x), 0, 0));
    assertEquals(trained.module(), trained.disableAdapters().enableAdapters().module());
  }

  @Test
  void convLayersAreWrappedFactoredAndMergeExactly() {
    Conv conv = Conv2d.create(4, 6, 3, ConvOptions.defaults().padding(1).groups(2), KEY);
    Sequential model = Sequential.of(conv, Activation.RELU.module(),
        Conv2d.create(6, 2, 1, KEY.foldIn(1)));
    Net net = perturbed(Net.of(model).freeze().lora(2, 2.0), 9);
    assertInstanceOf(LoRAAdapter.class, Tree.get(net.module(), Path.of("layers/0")));
    Tensor x = Random.normal(Key.of(1), 2, 4, 5, 5);
    assertTrue(net.merge().apply(x).allClose(net.apply(x), 1e-4, 1e-4));
  }

  @Test
  void targetMatchingNothingListsTheAdaptableLayers() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Net.of(mlp()).lora(2, 4.0, "decoder"));
    assertTrue(e.getMessage().contains("'layers/0' (Linear (5, 6))"), e.getMessage());
    assertTrue(e.getMessage().contains("'decoder'"), e.getMessage());
  }

  @Test
  void mergeOfAMergedNetIsRefused() {
    Net merged = Net.of(mlp()).lora(2, 4.0).merge();
    assertThrows(IllegalStateException.class, merged::merge);
    assertThrows(IllegalStateException.class, () -> merged.lora(2, 4.0));
    assertEquals(List.of(), List.copyOf(merged.adapters().keySet()));
  }
}
