package dev.graft.dsl.io;

import static dev.graft.dsl.io.CheckpointFixtures.adapted;
import static dev.graft.dsl.io.CheckpointFixtures.copy;
import static dev.graft.dsl.io.CheckpointFixtures.mlp;
import static dev.graft.dsl.io.CheckpointFixtures.perturbed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.LoRALinear;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint of the model before adapters were added loads into the adapted tree: {@code
 * layers.0.weight} fills {@code layers/0/base/weight} (d9d's rename), whatever the spelling, and
 * the adapters and trainability stay as they were.
 */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class BaseCheckpointTest {
  @TempDir
  java.nio.file.Path dir;

  private java.nio.file.Path file() {
    return dir.resolve("base.safetensors");
  }

  /** Writes {@code model}'s leaves under names {@code name} gives each path. */
  private void writeBase(Mlp model, Function<Path, String> name) {
    Map<String, Tensor> t = new LinkedHashMap<>();
    Tree.leavesByPath(model).forEach((p, v) -> t.put(name.apply(p), v));
    Safetensors.write(file(), t);
  }

  /** Checks base leaves come from {@code pretrained} and everything else from {@code before}. */
  private static void checkLoaded(Mlp pretrained, Net before, Net after) {
    Layer tree = after.module();
    for (Path p : Tree.paths(tree)) {
      Path plain = ModuleNames.withoutBase(tree, p);
      boolean base = Tree.paths(pretrained).contains(plain);
      Tensor expected = base ? Tree.leaf(pretrained, plain) : Tree.leaf(before.module(), p);
      assertEquals(expected, Tree.leaf(tree, p), p.toString());
    }
    assertEquals(before.trainablePaths(), after.trainablePaths());
  }

  @Test
  void slashKeysSavedBeforeLoraFillTheWrappedBases() {
    Mlp pretrained = mlp(1);
    Net.of(pretrained).save(file());
    Net adapted = perturbed(adapted(mlp(2), LoRALinear.FACTORY, 2, 4.0), 3);
    Net loaded = adapted.loadBase(file());
    checkLoaded(pretrained, adapted, loaded);
    assertEquals(Tree.leaf(pretrained, Path.of("layers/0/weight")),
        Tree.leaf(loaded.module(), Path.of("layers/0/base/weight")));
  }

  @Test
  void dottedStateDictKeysToo() {
    Mlp pretrained = mlp(1);
    writeBase(pretrained, ModuleNames::dotted);
    Net adapted = perturbed(Net.of(mlp(2)).freeze().lora(2, 4.0, "layers/1"), 3);
    Net loaded = adapted.loadBase(file());
    checkLoaded(pretrained, adapted, loaded);
    // layers/0 is not adapted: its plain leaves load as they are.
    assertEquals(Tree.leaf(pretrained, Path.of("layers/0/bias")),
        Tree.leaf(loaded.module(), Path.of("layers/0/bias")));
  }

  @Test
  void peftsBaseLayerSpellingToo() {
    Mlp pretrained = mlp(1);
    Net adapted = perturbed(adapted(mlp(2), LoRALinear.FACTORY, 2, 4.0), 3);
    Layer tree = adapted.module();
    Map<String, Tensor> t = new LinkedHashMap<>();
    for (Path p : Tree.paths(tree)) {
      Path plain = ModuleNames.withoutBase(tree, p);
      if (Tree.paths(pretrained).contains(plain)) {
        t.put(ModuleNames.peftName(tree, p), Tree.leaf(pretrained, plain));
      }
    }
    assertTrue(t.containsKey("layers.0.base_layer.weight"), t.keySet().toString());
    Safetensors.write(file(), t);
    checkLoaded(pretrained, adapted, adapted.loadBase(file()));
  }

  @Test
  void sharedVeraProjectionsAreKept() {
    Net vera = perturbed(adapted(mlp(2), dev.graft.dsl.lora.VeRALinear.FACTORY, 2, 1.0), 3);
    Net.of(mlp(1)).save(file());
    Layer loaded = vera.loadBase(file()).module();
    assertSame(Tree.leaf(vera.module(), Path.of("layers/0/veraA")),
        Tree.leaf(loaded, Path.of("layers/0/veraA")));
    assertSame(Tree.leaf(loaded, Path.of("layers/0/veraA")),
        Tree.leaf(loaded, Path.of("layers/1/veraA")));
  }

  @Test
  void aMissingBaseLeafIsNamed() {
    Mlp pretrained = mlp(1);
    Map<String, Tensor> t = new LinkedHashMap<>();
    Tree.leavesByPath(pretrained).forEach((p, v) -> {
      if (!p.equals(Path.of("layers/2/bias"))) {
        t.put(p.toString(), v);
      }
    });
    Safetensors.write(file(), t);
    Net adapted = adapted(mlp(2), LoRALinear.FACTORY, 2, 4.0);
    Layer before = copy(adapted.module());
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> adapted.loadBase(file()));
    assertTrue(e.getMessage().contains("'layers/2/base/bias'"), e.getMessage());
    assertEquals("layers/2/bias", e.key());
    assertTrue(Tree.equals(before, adapted.module()));
  }

  @Test
  void mergedOrDisabledNetsAreRefused() {
    Net.of(mlp(1)).save(file());
    Net adapted = adapted(mlp(2), LoRALinear.FACTORY, 2, 4.0);
    for (Net parked : new Net[] {adapted.merge(), adapted.disableAdapters()}) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> parked.loadBase(file()));
      assertTrue(e.getMessage().contains("merged or disabled"), e.getMessage());
    }
    adapted.loadBase(file()); // the active net itself is fine
  }
}
