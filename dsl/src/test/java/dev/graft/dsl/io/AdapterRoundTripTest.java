package dev.graft.dsl.io;

import static dev.graft.dsl.io.CheckpointFixtures.adapted;
import static dev.graft.dsl.io.CheckpointFixtures.convs;
import static dev.graft.dsl.io.CheckpointFixtures.mlp;
import static dev.graft.dsl.io.CheckpointFixtures.perturbed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.io.CheckpointFixtures.Zoo;
import dev.graft.dsl.lora.AdapterCatalog;
import dev.graft.dsl.lora.AdapterKind;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.lora.VeRALinear;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every zoo adapter, on Linear and on Conv layers: trained (perturbed) adapters survive
 * {@code saveAdapter} → {@code loadAdapter} onto a freshly adapted net, and {@code save} → {@code
 * load} of the whole model, bit for bit, with trainability; the files use PEFT's keys and shapes.
 */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class AdapterRoundTripTest {
  @TempDir
  java.nio.file.Path dir;

  static Stream<Zoo> zoo() {
    return CheckpointFixtures.zoo().stream();
  }

  /** The round trips below cover every kind of the catalog, each on Linear and on Conv. */
  @Test
  void everyCatalogKindHasItsPeftExpectations() {
    java.util.Set<AdapterKind> linear = new java.util.HashSet<>();
    java.util.Set<AdapterKind> conv = new java.util.HashSet<>();
    for (Zoo z : CheckpointFixtures.zoo()) {
      linear.add(AdapterKind.of(z.linear()).orElseThrow());
      conv.add(AdapterKind.of(z.conv()).orElseThrow());
    }
    assertEquals(java.util.Set.copyOf(AdapterCatalog.KINDS), linear);
    assertEquals(java.util.Set.copyOf(AdapterCatalog.KINDS), conv);
  }

  @ParameterizedTest(name = "{0} on Linear")
  @MethodSource("zoo")
  void linearAdaptersRoundTrip(Zoo zoo) throws IOException {
    roundTrip(zoo, mlp(1), adapted(mlp(1), zoo.linear(), zoo.rank(), 5.0), zoo.peftType());
  }

  @ParameterizedTest(name = "{0} on Conv")
  @MethodSource("zoo")
  void convAdaptersRoundTrip(Zoo zoo) throws IOException {
    roundTrip(zoo, convs(2), adapted(convs(2), zoo.conv(), zoo.rank(), 3.0), zoo.convPeftType());
  }

  private void roundTrip(Zoo zoo, Layer base, Net fresh, String peftType) throws IOException {
    Net trained = perturbed(fresh, 42);
    assertFalse(Tree.equals(trained.module(), fresh.module()), "the perturbation changed nothing");

    java.nio.file.Path adapter = dir.resolve("adapter");
    trained.saveAdapter(adapter);
    Net back = fresh.loadAdapter(adapter);
    assertTrue(Tree.equals(trained.module(), back.module()), zoo + ": adapter round trip");
    assertEquals(trained.trainablePaths(), back.trainablePaths());

    // Keys: exactly PEFT's, one per saved tensor of each adapted layer, and the shared ones.
    TensorFile file = Safetensors.read(adapter.resolve(PeftAdapters.WEIGHTS));
    Set<String> expected = new TreeSet<>(zoo.sharedKeys());
    for (Path layer : fresh.adapters().keySet()) {
      for (String suffix : zoo.suffixes()) {
        expected.add("base_model.model." + ModuleNames.dotted(layer) + "." + suffix);
      }
    }
    assertEquals(expected, new TreeSet<>(file.tensors().keySet()));
    assertEquals("pt", file.metadata().get("format"));
    checkShapes(zoo, fresh, file);

    JsonNode config = new ObjectMapper().readTree(
        Files.readString(adapter.resolve(PeftAdapters.CONFIG)));
    assertEquals(peftType, config.get("peft_type").textValue());
    assertEquals(peftType.equals(AdapterKinds.GRAFT), config.hasNonNull("graft_only_reason"),
        "a Graft-only directory says why, a PEFT one does not");
    assertEquals("none", config.get("bias").textValue());
    assertTrue(config.get("task_type").isNull());
    assertEquals(fresh.adapters().size(), config.get("target_modules").size());
    assertEquals(fresh.adapters().size(), config.get("graft").get("layers").size());

    // The whole model, adapters and frozen parts alike.
    java.nio.file.Path whole = dir.resolve("whole.safetensors");
    trained.save(whole);
    Net loaded = Net.load(whole, fresh.module());
    assertTrue(Tree.equals(trained.module(), loaded.module()), zoo + ": model round trip");
    assertEquals(trained.trainablePaths(), loaded.trainablePaths());
    assertEquals(trained.totalCount(), loaded.totalCount(), "shared tensors stay shared");
  }

  /** The PEFT shapes: conv factors as kernels, IA3 and DoRA vectors as PEFT keeps them. */
  private static void checkShapes(Zoo zoo, Net fresh, TensorFile file) {
    for (Map.Entry<Path, LoraWrapper> e : fresh.adapters().entrySet()) {
      String prefix = "base_model.model." + ModuleNames.dotted(e.getKey()) + ".";
      Layer base = e.getValue().base();
      int[] w = Tree.leaf(base, Path.of("weight")).shape();
      boolean conv = w.length > 2;
      int[] ones = new int[w.length - 2];
      java.util.Arrays.fill(ones, 1);
      Map<String, Tensor> t = file.tensors();
      if (t.containsKey(prefix + "lora_A.weight")) {
        int[] a = t.get(prefix + "lora_A.weight").shape();
        assertEquals(w.length, a.length, prefix + "lora_A rank of shape");
        assertArrayEquals(java.util.Arrays.copyOfRange(w, 1, w.length),
            java.util.Arrays.copyOfRange(a, 1, a.length), prefix + "lora_A");
      }
      if (t.containsKey(prefix + "lora_B.weight")) {
        int[] b = t.get(prefix + "lora_B.weight").shape();
        assertEquals(w[0], b[0]);
        assertEquals(w.length, b.length, prefix + "lora_B as (out, r, 1, ...)");
        for (int i = 2; i < b.length; i++) {
          assertEquals(1, b[i]);
        }
      }
      if (t.containsKey(prefix + "ia3_l")) {
        assertArrayEquals(conv ? concat(new int[] {1, w[0]}, ones) : new int[] {w[0], 1},
            t.get(prefix + "ia3_l").shape());
      }
      if (t.containsKey(prefix + "lora_magnitude_vector")) {
        assertArrayEquals(conv ? concat(new int[] {1, w[0]}, ones) : new int[] {w[0]},
            t.get(prefix + "lora_magnitude_vector").shape());
      }
      if (zoo.name().equals("VeRA")) {
        assertArrayEquals(new int[] {w[0]}, t.get(prefix + "vera_lambda_b").shape());
        assertArrayEquals(new int[] {zoo.rank()}, t.get(prefix + "vera_lambda_d").shape());
      }
    }
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void mixedMethodsAndGroupedLayersRoundTripAsGraftsOwnType() throws IOException {
    Layer model = dev.graft.dsl.nn.Sequential.of(
        dev.graft.dsl.nn.GroupedLinear.create(3, 4, 5, true, dev.graft.runtime.Key.of(1)),
        dev.graft.dsl.nn.Linear.create(5, 4, dev.graft.runtime.Key.of(2)),
        dev.graft.dsl.nn.Linear.create(4, 2, dev.graft.runtime.Key.of(3)));
    Net fresh = Net.of(model).freeze().lora(
        dev.graft.dsl.lora.LoraSpec.builder().rank(2).alpha(3.0).target("layers/[01]")
            .wrappers(java.util.List.of(dev.graft.dsl.lora.LoRAGroupedLinear.FACTORY,
                dev.graft.dsl.lora.LoRALinear.FACTORY)).build(),
        dev.graft.dsl.lora.LoraSpec.builder().target("layers/2")
            .wrappers(java.util.List.of(dev.graft.dsl.lora.IA3Linear.FACTORY)).build());
    Net trained = perturbed(fresh, 8);
    java.nio.file.Path adapter = dir.resolve("mixed");
    trained.saveAdapter(adapter);
    assertTrue(Tree.equals(trained.module(), fresh.loadAdapter(adapter).module()));
    JsonNode config = new ObjectMapper().readTree(
        Files.readString(adapter.resolve(PeftAdapters.CONFIG)));
    assertEquals(AdapterKinds.GRAFT, config.get("peft_type").textValue());
    assertTrue(config.get("graft_only_reason").textValue().contains("several adapter methods"));
    assertEquals(Set.of("base_model.model.layers.0.lora_A.weight",
        "base_model.model.layers.0.lora_B.weight", "base_model.model.layers.1.lora_A.weight",
        "base_model.model.layers.1.lora_B.weight", "base_model.model.layers.2.ia3_l"),
        Safetensors.read(adapter.resolve(PeftAdapters.WEIGHTS)).tensors().keySet());
    java.nio.file.Path whole = dir.resolve("mixed.safetensors");
    trained.save(whole);
    assertTrue(Tree.equals(trained.module(), Net.load(whole, fresh.module()).module()));
  }

  @Test
  void veraProjectionsAreOneSharedTensorAgainAfterALoad() {
    Net trained = perturbed(adapted(mlp(3), VeRALinear.FACTORY, 2, 2.0), 5);
    java.nio.file.Path whole = dir.resolve("m.safetensors");
    trained.save(whole);
    Layer back = Net.load(whole, adapted(mlp(4), VeRALinear.FACTORY, 2, 2.0).module())
        .module();
    assertSame(Tree.leaf(back, Path.of("layers/0/veraA")),
        Tree.leaf(back, Path.of("layers/2/veraA")));
    Map<Path, Tensor> before = Tree.leavesByPath(trained.module());
    Map<Path, Tensor> after = Tree.leavesByPath(back);
    for (Path p : before.keySet()) {
      for (Path q : before.keySet()) {
        if (!p.equals(q) && before.get(p) == before.get(q)) {
          assertSame(after.get(p), after.get(q), p + " and " + q + " were one tensor");
        }
      }
    }
  }
}
