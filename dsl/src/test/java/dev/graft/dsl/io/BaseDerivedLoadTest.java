package dev.graft.dsl.io;

import static dev.graft.dsl.io.CheckpointFixtures.copy;
import static dev.graft.dsl.io.CheckpointFixtures.mlp;
import static dev.graft.dsl.io.CheckpointFixtures.perturbed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.AdapterFactory;
import dev.graft.dsl.lora.DoRAAdapter;
import dev.graft.dsl.lora.DoRALinear;
import dev.graft.dsl.lora.LoRAXSAdapter;
import dev.graft.dsl.lora.LoRAXSConv;
import dev.graft.dsl.lora.LoRAXSLinear;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.lora.MiLoRAAdapter;
import dev.graft.dsl.lora.PiSSAAdapter;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loadBase} under adapters derived from the base weight: DoRA keeps its magnitude and takes
 * its direction from the new base, an untrained LoRA-XS recomputes its factors, and PiSSA, MiLoRA
 * and a trained LoRA-XS refuse with the reason.
 */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class BaseDerivedLoadTest {
  @TempDir
  java.nio.file.Path dir;

  private java.nio.file.Path savedPretrained() {
    java.nio.file.Path file = dir.resolve("base.safetensors");
    Net.of(mlp(1)).save(file);
    return file;
  }

  private static Net adapted(AdapterFactory factory) {
    return Net.of(mlp(2)).freeze().lora(LoraSpec.builder().rank(2).alpha(4.0)
        .wrappers(List.of(factory)).build());
  }

  @Test
  void doraKeepsItsMagnitudeAndTakesItsDirectionFromTheNewBase() {
    java.nio.file.Path file = savedPretrained();
    Net trained = perturbed(adapted(DoRALinear.FACTORY), 3);
    Net loaded = trained.loadBase(file);
    Mlp pretrained = mlp(1);
    Tensor x = Random.normal(Key.of(4), 3, 6);
    for (int i = 0; i < 3; i++) {
      Path layer = Path.of("layers/" + i);
      DoRAAdapter before = (DoRAAdapter) Tree.get(trained.module(), layer);
      DoRAAdapter after = (DoRAAdapter) Tree.get(loaded.module(), layer);
      Linear fresh = (Linear) Tree.get(pretrained, layer);
      assertEquals(fresh.weight(), after.view().matrix());
      assertSame(before.loraMagnitude(), after.loraMagnitude());
      assertSame(before.loraA(), after.loraA());
      // merged rows: norm m, direction of W_new + s·B A
      Tensor merged = ((Linear) after.merge()).weight();
      assertTrue(merged.norm(1).allClose(after.loraMagnitude().abs(), 1e-5, 1e-6));
      Tensor sum = fresh.weight().plus(after.loraB().matmul(after.loraA())
          .times((float) after.scale()));
      Tensor direction = sum.div(sum.norm(1).reshape(-1, 1));
      assertTrue(merged.div(after.loraMagnitude().reshape(-1, 1)).allClose(direction, 1e-5, 1e-6));
    }
    assertTrue(loaded.apply(x).allClose(loaded.merge().apply(x), 1e-5, 1e-5));
    assertEquals(trained.trainablePaths(), loaded.trainablePaths());
  }

  @Test
  void anUntrainedLoraXsRecomputesItsFactorsFromTheNewBase() {
    java.nio.file.Path file = savedPretrained();
    Net loaded = adapted(LoRAXSLinear.FACTORY).loadBase(file);
    // the same as adding LoRA-XS to the pretrained model
    Net direct = Net.of(mlp(1)).freeze().lora(LoraSpec.builder().rank(2).alpha(4.0)
        .wrappers(List.of(LoRAXSLinear.FACTORY)).build());
    assertTrue(Tree.equals(direct.module(), loaded.module()));
    Tensor x = Random.normal(Key.of(5), 4, 6);
    assertEquals(Net.of(mlp(1)).apply(x), loaded.apply(x));
  }

  @Test
  void aTrainedLoraXsRefusesSayingWhy() {
    java.nio.file.Path file = savedPretrained();
    Net trained = perturbed(adapted(LoRAXSLinear.FACTORY), 3);
    Layer before = copy(trained.module());
    CheckpointException e = assertThrows(CheckpointException.class, () -> trained.loadBase(file));
    assertTrue(e.getMessage().contains("LoRAXSAdapter at 'layers/0'")
        && e.getMessage().contains("trained R") && e.getMessage().contains("before training"),
        e.getMessage());
    assertTrue(Tree.equals(before, trained.module()));
  }

  @Test
  void pissaAndMiloraRefuseSayingWhy() {
    java.nio.file.Path file = savedPretrained();
    for (AdapterFactory f : List.of(PiSSAAdapter.FACTORY, MiLoRAAdapter.FACTORY)) {
      Net net = adapted(f);
      CheckpointException e = assertThrows(CheckpointException.class, () -> net.loadBase(file));
      assertTrue(e.getMessage().contains(f.name()) && e.getMessage().contains(" at 'layers/0'")
          && e.getMessage().contains("split again")
          && e.getMessage().contains("load the plain model first"), e.getMessage());
    }
  }

  @Test
  void convolutionsFollowTheSameRules() {
    java.nio.file.Path file = dir.resolve("convs.safetensors");
    Net.of(CheckpointFixtures.convs(1)).save(file);
    for (AdapterFactory f : List.of(PiSSAAdapter.FACTORY, MiLoRAAdapter.FACTORY)) {
      Net net = Net.of(CheckpointFixtures.convs(2)).freeze().lora(LoraSpec.builder().rank(2)
          .wrappers(List.of(f)).build());
      CheckpointException e = assertThrows(CheckpointException.class, () -> net.loadBase(file));
      assertTrue(e.getMessage().contains(f.name()) && e.getMessage().contains("split again"),
          e.getMessage());
    }
    LoraSpec xs = LoraSpec.builder().rank(2).wrappers(List.of(LoRAXSConv.FACTORY)).build();
    Net loaded = Net.of(CheckpointFixtures.convs(2)).freeze().lora(xs).loadBase(file);
    assertTrue(Tree.equals(Net.of(CheckpointFixtures.convs(1)).freeze().lora(xs).module(),
        loaded.module()));
  }

  /** A mixture-of-experts block: each row through its expert. */
  record Experts(Layer experts, int[] groups) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return ((dev.graft.dsl.nn.GroupedLayer) experts).apply(x, groups);
    }
  }

  private static Experts experts(long seed) {
    return new Experts(dev.graft.dsl.nn.GroupedLinear.create(3, 6, 4, true, Key.of(seed)),
        new int[] {2, 0, 1, 1});
  }

  @Test
  void groupedLayersFollowTheSameRulesGroupByGroup() {
    java.nio.file.Path file = dir.resolve("experts.safetensors");
    Net.of(experts(1)).save(file);
    LoraSpec xs = LoraSpec.builder().rank(2).wrappers(List.of(LoRAXSAdapter.FACTORY)).build();
    Net loaded = Net.of(experts(2)).freeze().lora(xs).loadBase(file);
    assertTrue(Tree.equals(Net.of(experts(1)).freeze().lora(xs).module(), loaded.module()),
        "LoRA-XS recomputes each group's factors from the new base");
    Tensor x = Random.normal(Key.of(6), 4, 6);
    assertEquals(Net.of(experts(1)).apply(x), loaded.apply(x));

    LoraSpec dora = LoraSpec.builder().rank(2).wrappers(List.of(DoRAAdapter.FACTORY)).build();
    Net trained = perturbed(Net.of(experts(2)).freeze().lora(dora), 3);
    Net rebased = trained.loadBase(file);
    DoRAAdapter before = (DoRAAdapter) Tree.get(trained.module(), Path.of("experts"));
    DoRAAdapter after = (DoRAAdapter) Tree.get(rebased.module(), Path.of("experts"));
    assertEquals(before.loraMagnitude(), after.loraMagnitude(), "DoRA keeps its magnitude");
    assertEquals(experts(1).experts(), after.base());
    assertTrue(rebased.apply(x).allClose(rebased.merge().apply(x), 1e-5, 1e-5));

    Net pissa = Net.of(experts(2)).freeze().lora(LoraSpec.builder().rank(2)
        .wrappers(List.of(PiSSAAdapter.FACTORY)).build());
    CheckpointException e = assertThrows(CheckpointException.class, () -> pissa.loadBase(file));
    assertTrue(e.getMessage().contains("PiSSA") && e.getMessage().contains("split again"),
        e.getMessage());
  }
}
