package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.dsl.Net;
import dev.graft.dsl.io.PeftFixtures.Two;
import dev.graft.dsl.lora.AdapterFactory;
import dev.graft.dsl.lora.LoKrLinear;
import dev.graft.dsl.lora.LoRAFALinear;
import dev.graft.dsl.lora.MiLoRALinear;
import dev.graft.dsl.lora.LoRAXSLinear;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.lora.OFTAdapter;
import dev.graft.dsl.lora.OFTLinear;
import dev.graft.dsl.lora.PeftOFTLinear;
import dev.graft.dsl.lora.VeRALinear;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Index;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code saveAdapter} writes for kinds whose PEFT form differs from Graft's: checked by
 * computing PEFT's documented formula from the saved files alone (LoRA-FA as plain LoRA, VeRA
 * with its stored projections), and by the refusals PEFT would print for Graft-only kinds.
 */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class PeftSaveFormsTest {
  @TempDir
  Path tmp;

  private static Net trained(AdapterFactory f, int rank, double alpha) {
    return CheckpointFixtures.perturbed(PeftFixtures.base().freeze().lora(LoraSpec.builder()
        .rank(rank).alpha(alpha).wrappers(List.of(f)).build()), 11);
  }

  private static Linear baseLayer(String name) {
    Two two = (Two) PeftFixtures.base().module();
    return (Linear) (name.equals("enc") ? two.enc() : two.dec());
  }

  /** The two-layer model with each layer's weight replaced by {@code merged.get(name)}. */
  private static Two withWeights(Map<String, Tensor> merged) {
    return new Two(baseLayer("enc").withWeight(merged.get("enc")),
        baseLayer("dec").withWeight(merged.get("dec")));
  }

  private static JsonNode config(Path d) throws IOException {
    return new ObjectMapper().readTree(d.resolve(PeftAdapters.CONFIG).toFile());
  }

  @Test
  void loraFaSavesItsFrozenAAsAPlainLora() throws IOException {
    Net net = trained(LoRAFALinear.FACTORY, 3, 5.0);
    Path d = tmp.resolve("fa");
    net.saveAdapter(d);
    JsonNode c = config(d);
    assertEquals("LORA", c.get("peft_type").textValue());
    assertFalse(c.get("use_dora").booleanValue());
    assertFalse(c.get("use_rslora").booleanValue());
    assertEquals(true, c.get("init_lora_weights").booleanValue());
    // PEFT's LoRA from the file alone: W + (lora_alpha / r) B A.
    double s = c.get("lora_alpha").doubleValue() / c.get("r").intValue();
    Map<String, Tensor> f = Safetensors.read(d.resolve(PeftAdapters.WEIGHTS)).tensors();
    Map<String, Tensor> merged = new LinkedHashMap<>();
    for (String l : List.of("enc", "dec")) {
      Tensor a = f.get("base_model.model." + l + ".lora_A.weight");
      Tensor b = f.get("base_model.model." + l + ".lora_B.weight");
      merged.put(l, baseLayer(l).weight().plus(b.matmul(a).times((float) s)));
    }
    Tensor x = Random.normal(Key.of(5), 4, 16);
    float err = withWeights(merged).apply(x).maxAbsDiff(net.apply(x));
    assertTrue(err <= 1e-5, "PEFT's reading of the LoRA-FA folder differs by " + err);
  }

  @Test
  void veraSavesItsProjectionsAsPeftDoes() throws IOException {
    Net net = trained(VeRALinear.FACTORY, 3, 1.0);
    Path d = tmp.resolve("vera");
    net.saveAdapter(d);
    JsonNode c = config(d);
    assertEquals("VERA", c.get("peft_type").textValue());
    assertTrue(c.get("save_projection").booleanValue());
    Map<String, Tensor> f = Safetensors.read(d.resolve(PeftAdapters.WEIGHTS)).tensors();
    Tensor a = f.get("base_model.vera_A");
    Tensor b = f.get("base_model.vera_B");
    assertEquals(List.of(3, 16), List.of(a.dim(0), a.dim(1)));
    assertEquals(List.of(12, 3), List.of(b.dim(0), b.dim(1)));
    // PEFT's VeRA from the file alone: W + diag(λ_b) B[:out] diag(λ_d) A[:, :in].
    Map<String, Tensor> merged = new LinkedHashMap<>();
    for (String l : List.of("enc", "dec")) {
      Linear base = baseLayer(l);
      Tensor lb = f.get("base_model.model." + l + ".vera_lambda_b");
      Tensor ld = f.get("base_model.model." + l + ".vera_lambda_d");
      Tensor al = a.get(Index.all(), Index.range(0, base.inFeatures()));
      Tensor bl = b.slice(0, 0, base.outFeatures());
      merged.put(l, base.weight().plus(bl.times(lb.unsqueeze(1)).matmul(al.times(ld.unsqueeze(1)))));
    }
    Tensor x = Random.normal(Key.of(6), 4, 16);
    float err = withWeights(merged).apply(x).maxAbsDiff(net.apply(x));
    assertTrue(err <= 1e-5, "PEFT's reading of the VeRA folder differs by " + err);
  }

  @Test
  void seededVeraIsGraftOnlyAndRefusedForProjectionsFromAFile() throws IOException {
    Net net = trained(VeRALinear.FACTORY, 4, 1.0);
    Path d = tmp.resolve("seeded");
    PeftAdapters.save(net.module(), net.trainablePaths(), d,
        PeftAdapters.VeraProjections.SEEDED);
    JsonNode c = config(d);
    assertEquals(AdapterKinds.GRAFT, c.get("peft_type").textValue());
    assertTrue(c.get("graft_only_reason").textValue().contains("regenerates them from the seed"));
    assertTrue(c.get("graft").get("vera_projections").textValue().startsWith("seeded"));
    assertFalse(Safetensors.read(d.resolve(PeftAdapters.WEIGHTS)).tensors()
        .containsKey("base_model.vera_A"));
    Tensor x = Random.normal(Key.of(7), 2, 16);
    Net back = PeftFixtures.base().freeze().lora(LoraSpec.builder().rank(4)
        .wrappers(List.of(VeRALinear.FACTORY)).build()).loadAdapter(d);
    assertEquals(0f, net.apply(x).maxAbsDiff(back.apply(x)));

    Net fromPeft = PeftFixtures.adapted(PeftFixtures.KINDS.get(5), 3)
        .loadAdapter(PeftFixtures.dir("vera"));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> PeftAdapters.save(fromPeft.module(), fromPeft.trainablePaths(), tmp.resolve("no"),
            PeftAdapters.VeraProjections.SEEDED));
    assertTrue(e.getMessage().contains("STORED"), e.getMessage());
  }

  @Test
  void peftVeraWithoutProjectionsIsRefused() throws IOException {
    Path d = tmp.resolve("vera-noproj");
    Files.createDirectories(d);
    Path peft = PeftFixtures.dir("vera");
    Map<String, Tensor> t = new LinkedHashMap<>(
        Safetensors.read(peft.resolve(PeftAdapters.WEIGHTS)).tensors());
    t.remove("base_model.vera_A");
    t.remove("base_model.vera_B");
    Safetensors.write(d.resolve(PeftAdapters.WEIGHTS), t);
    ObjectMapper m = new ObjectMapper();
    ObjectNode c = (ObjectNode) m.readTree(peft.resolve(PeftAdapters.CONFIG).toFile());
    c.put("save_projection", false);
    Files.writeString(d.resolve(PeftAdapters.CONFIG), m.writeValueAsString(c));
    Net net = PeftFixtures.adapted(PeftFixtures.KINDS.get(5), 3);
    CheckpointException e = assertThrows(CheckpointException.class, () -> net.loadAdapter(d));
    assertTrue(e.getMessage().contains("save_projection=True"), e.getMessage());
  }

  @Test
  void oftOptionsThatChangeTheMeaningMustMatch() {
    Net exact = PeftFixtures.base().freeze().lora(LoraSpec.builder().rank(4).wrappers(List.of(
        PeftOFTLinear.factory(new PeftOFTLinear.Options(false, false, 5, false, 6e-5)))).build());
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> exact.loadAdapter(PeftFixtures.dir("oft")));
    assertTrue(e.getMessage().contains("cayleyNeumann=true"), e.getMessage());
    Net zooOft = PeftFixtures.base().freeze().lora(LoraSpec.builder().rank(4)
        .wrappers(List.of(OFTLinear.FACTORY)).build());
    e = assertThrows(CheckpointException.class, () -> zooOft.loadAdapter(PeftFixtures.dir("oft")));
    assertTrue(e.getMessage().contains("OFTAdapter"), e.getMessage());
  }

  @Test
  void kindsWithoutAPeftFormAreWrittenForGraftOnlyWithTheReason() throws IOException {
    Map<String, AdapterFactory> kinds = Map.of("LoRA-XS", LoRAXSLinear.FACTORY,
        "MiLoRA", MiLoRALinear.FACTORY, "zoo's OFT", OFTLinear.FACTORY,
        "zoo's LoKr", LoKrLinear.FACTORY);
    for (Map.Entry<String, AdapterFactory> k : kinds.entrySet()) {
      Net net = trained(k.getValue(), 2, 4.0);
      Path d = tmp.resolve(k.getValue().name());
      net.saveAdapter(d);
      JsonNode c = config(d);
      String type = c.get("peft_type").textValue();
      // PEFT looks peft_type up in its table: KeyError: '<this text>'.
      assertTrue(type.startsWith("GRAFT: not a Hugging Face PEFT adapter"), type);
      assertTrue(c.get("graft_only_reason").textValue().contains(k.getKey()),
          k.getKey() + ": " + c.get("graft_only_reason"));
      Net back = PeftFixtures.base().freeze().lora(LoraSpec.builder().rank(2).alpha(4.0)
          .wrappers(List.of(k.getValue())).build()).loadAdapter(d);
      Tensor x = Random.normal(Key.of(8), 2, 16);
      assertEquals(0f, net.apply(x).maxAbsDiff(back.apply(x)), k.getKey());
    }
  }

  @Test
  void legacyGraftTypeStillLoads() throws IOException {
    Net net = trained(LoRAXSLinear.FACTORY, 2, 4.0);
    Path d = tmp.resolve("legacy");
    net.saveAdapter(d);
    ObjectMapper m = new ObjectMapper();
    ObjectNode c = (ObjectNode) m.readTree(d.resolve(PeftAdapters.CONFIG).toFile());
    c.put("peft_type", "GRAFT");
    c.remove("graft_only_reason");
    byte[] bytes = JsonFiles.encode(d, c);
    // Weights without the config binding, as an older Graft wrote them.
    Map<String, Tensor> t = Safetensors.read(d.resolve(PeftAdapters.WEIGHTS)).tensors();
    Safetensors.write(d.resolve(PeftAdapters.WEIGHTS), t, Map.of("format", "pt"));
    Files.write(d.resolve(PeftAdapters.CONFIG), bytes);
    Net back = PeftFixtures.base().freeze().lora(LoraSpec.builder().rank(2).alpha(4.0)
        .wrappers(List.of(LoRAXSLinear.FACTORY)).build()).loadAdapter(d);
    Tensor x = Random.normal(Key.of(9), 2, 16);
    assertEquals(0f, net.apply(x).maxAbsDiff(back.apply(x)));
  }

  @Test
  void loadOntoFollowsPeftsTargetRulesAndRefusesGraftOnlyDirectories() throws IOException {
    Path peft = PeftFixtures.dir("lora");
    ObjectMapper m = new ObjectMapper();
    for (String targets : List.of("[\"enc\"]", "\"e.c\"", "[\"enc\", \"dec\"]")) {
      Path d = tmp.resolve("t" + targets.hashCode());
      Files.createDirectories(d);
      ObjectNode c = (ObjectNode) m.readTree(peft.resolve(PeftAdapters.CONFIG).toFile());
      c.set("target_modules", m.readTree(targets));
      if (targets.contains("dec\"]")) {
        c.set("exclude_modules", m.readTree("[\"dec\"]"));
      }
      Files.writeString(d.resolve(PeftAdapters.CONFIG), m.writeValueAsString(c));
      Map<String, Tensor> t = new LinkedHashMap<>(
          Safetensors.read(peft.resolve(PeftAdapters.WEIGHTS)).tensors());
      t.keySet().removeIf(k -> k.contains(".dec."));
      Safetensors.write(d.resolve(PeftAdapters.WEIGHTS), t);
      Net net = PeftFixtures.base().loadPeft(d);
      assertEquals(List.of(dev.graft.dsl.tree.Path.of("enc")), List.copyOf(net.adapters().keySet()),
          targets);
    }
    Net xs = trained(LoRAXSLinear.FACTORY, 2, 4.0);
    Path d = tmp.resolve("xs");
    xs.saveAdapter(d);
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> PeftFixtures.base().loadPeft(d));
    assertTrue(e.getMessage().contains("Graft-only") && e.getMessage().contains("LoRA-XS"),
        e.getMessage());
  }

  @Test
  void miloraRelativeToTheOriginalWeightsIsAPlainLoraOfTwiceTheRank() throws IOException {
    Net milora = trained(MiLoRALinear.FACTORY, 2, 4.0);
    Net lora = milora.relativeTo(PeftFixtures.base());
    Tensor x = Random.normal(Key.of(10), 5, 16);
    float same = lora.apply(x).maxAbsDiff(milora.apply(x));
    assertTrue(same <= 1e-5, "converted vs MiLoRA: " + same);
    assertEquals(milora.trainablePaths(), lora.trainablePaths());
    Path d = tmp.resolve("milora-as-lora");
    lora.saveAdapter(d);
    JsonNode c = config(d);
    assertEquals("LORA", c.get("peft_type").textValue());
    assertEquals(4, c.get("r").intValue());
    assertEquals(true, c.get("init_lora_weights").booleanValue());
    // PEFT's LoRA from the files alone, over the ORIGINAL weights.
    double s = c.get("lora_alpha").doubleValue() / c.get("r").intValue();
    assertEquals(4.0 / 2, s, 1e-12, "the scale is kept");
    Map<String, Tensor> f = Safetensors.read(d.resolve(PeftAdapters.WEIGHTS)).tensors();
    Map<String, Tensor> merged = new LinkedHashMap<>();
    for (String l : List.of("enc", "dec")) {
      Tensor a = f.get("base_model.model." + l + ".lora_A.weight");
      Tensor b = f.get("base_model.model." + l + ".lora_B.weight");
      assertEquals(4, a.dim(0));
      merged.put(l, baseLayer(l).weight().plus(b.matmul(a).times((float) s)));
    }
    float err = withWeights(merged).apply(x).maxAbsDiff(milora.apply(x));
    assertTrue(err <= 1e-5, "PEFT's reading over the original weights differs by " + err);
    // The wrong original is refused by shape.
    Net other = Net.of(new Two(Linear.create(16, 12, Key.of(1)), Linear.create(16, 6, Key.of(2))));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> milora.relativeTo(other));
    assertTrue(e.getMessage().contains("'dec'"), e.getMessage());
  }

  /** A plain model of two square layers, large enough for LoKr's factored forms. */
  private static Net square() {
    return Net.of(new Two(Linear.create(64, 64, Key.of(21)), Linear.create(64, 8, Key.of(22))));
  }

  private void peftFormRoundTrip(AdapterFactory f, int rank, double alpha, String name,
      Map<String, Object> fields, List<String> suffixes) throws IOException {
    Net net = CheckpointFixtures.perturbed(square().freeze().lora(LoraSpec.builder().rank(rank)
        .alpha(alpha).wrappers(List.of(f)).build()), 13);
    Path d = tmp.resolve(name);
    net.saveAdapter(d);
    JsonNode c = config(d);
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      assertEquals(String.valueOf(e.getValue()), c.get(e.getKey()).asText(), name + ": "
          + e.getKey());
    }
    java.util.Set<String> keys = Safetensors.read(d.resolve(PeftAdapters.WEIGHTS)).tensors()
        .keySet();
    for (String suffix : suffixes) {
      assertTrue(keys.contains("base_model.model.enc." + suffix), name + ": " + keys);
    }
    Net back = square().loadPeft(d);
    Tensor x = Random.normal(Key.of(14), 3, 64);
    float err = back.apply(x).maxAbsDiff(net.apply(x));
    assertTrue(err <= 1e-5, name + ": loadOnto from the saved config differs by " + err);
    assertEquals(f.name(), back.adapters().values().iterator().next().getClass().getSimpleName());
  }

  @Test
  void lokrDecompositionsAndOftOptionsGoThroughTheConfig() throws IOException {
    peftFormRoundTrip(dev.graft.dsl.lora.PeftLoKrLinear.factory(true, -1), 1, 3.0, "lokr-both",
        Map.of("peft_type", "LOKR", "decompose_both", true, "decompose_factor", -1, "r", 1),
        List.of("lokr_w1_a", "lokr_w1_b", "lokr_w2_a", "lokr_w2_b"));
    peftFormRoundTrip(dev.graft.dsl.lora.PeftLoKrLinear.factory(false, 4), 8, 3.0, "lokr-factor",
        Map.of("decompose_both", false, "decompose_factor", 4),
        List.of("lokr_w1", "lokr_w2"));
    peftFormRoundTrip(PeftOFTLinear.factory(new PeftOFTLinear.Options(true, false, 3, true, 0.1)),
        8, 1.0, "oft-options", Map.of("peft_type", "OFT", "oft_block_size", 8, "r", 0,
            "block_share", true, "use_cayley_neumann", false, "coft", true, "eps", 0.1),
        List.of("oft_R.weight"));
  }

  /** A plain model with one convolution named {@code conv}. */
  record OneConv(dev.graft.dsl.tree.Layer conv) implements dev.graft.dsl.tree.Layer {
    @Override
    public Tensor apply(Tensor x) {
      return conv.apply(x);
    }
  }

  @Test
  void lokrOnAConvolutionSavesPeftsKernelShapedFactors() throws IOException {
    Net plain = Net.of(new OneConv(dev.graft.dsl.nn.Conv2d.create(4, 6, 3,
        dev.graft.dsl.nn.ConvOptions.defaults().padding(1), Key.of(31))));
    // out 6 = 2·3, in 4 = 2·2: at r = 4, W1 (2, 2) and W2 (3, 2, 3, 3) whole; at r = 1, W2 factored.
    for (int r : new int[] {4, 1}) {
      Net net = CheckpointFixtures.perturbed(plain.freeze().lora(LoraSpec.builder().rank(r)
          .alpha(5.0).wrappers(List.of(dev.graft.dsl.lora.PeftLoKrConv.FACTORY)).build()), 17);
      Path d = tmp.resolve("conv-lokr-" + r);
      net.saveAdapter(d);
      assertEquals("LOKR", config(d).get("peft_type").textValue());
      Map<String, String> shapes = PeftInteropTest.shapes(d.resolve(PeftAdapters.WEIGHTS));
      Map<String, String> want = r == 4
          ? Map.of("base_model.model.conv.lokr_w1", "[2, 2]",
              "base_model.model.conv.lokr_w2", "[3, 2, 3, 3]")
          : Map.of("base_model.model.conv.lokr_w1", "[2, 2]",
              "base_model.model.conv.lokr_w2_a", "[3, 1]",
              "base_model.model.conv.lokr_w2_b", "[1, 18]");
      assertEquals(new java.util.TreeMap<>(want), shapes);
      Net back = plain.loadPeft(d);
      Tensor x = Random.normal(Key.of(32), 2, 4, 5, 5);
      float err = back.apply(x).maxAbsDiff(net.apply(x));
      assertTrue(err <= 1e-5, "r " + r + ": " + err);
    }
  }
}
