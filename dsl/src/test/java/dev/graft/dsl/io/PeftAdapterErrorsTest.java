package dev.graft.dsl.io;

import static dev.graft.dsl.io.CheckpointFixtures.adapted;
import static dev.graft.dsl.io.CheckpointFixtures.copy;
import static dev.graft.dsl.io.CheckpointFixtures.mlp;
import static dev.graft.dsl.io.CheckpointFixtures.perturbed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.io.PeftHandBuiltTest.Entry;
import dev.graft.dsl.lora.DoRAAdapter;
import dev.graft.dsl.lora.DoRALinear;
import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.LoRALinear;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.lora.VeRALinear;
import dev.graft.dsl.nn.Activation;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adapter directories that do not fit the net they are loaded onto: each is refused with a
 * message naming the file and the key or field, and the net is left as it was.
 */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class PeftAdapterErrorsTest {
  @TempDir
  java.nio.file.Path dir;

  private final Net net = Net.of(Mlp.create(new int[] {3, 2, 2}, Activation.RELU, Key.of(4)))
      .freeze().lora(1, 2.0);

  private static final String A0 = "base_model.model.layers.0.lora_A.weight";
  private static final String B0 = "base_model.model.layers.0.lora_B.weight";
  private static final String A1 = "base_model.model.layers.1.lora_A.weight";
  private static final String B1 = "base_model.model.layers.1.lora_B.weight";

  private static List<Entry> good() {
    return List.of(new Entry(A0, new int[] {1, 3}, new float[] {1, 2, 3}),
        new Entry(B0, new int[] {2, 1}, new float[] {4, 5}),
        new Entry(A1, new int[] {1, 2}, new float[] {6, 7}),
        new Entry(B1, new int[] {2, 1}, new float[] {8, 9}));
  }

  private static String config(String peftType, int r, double alpha, boolean dora) {
    return "{\"peft_type\": \"" + peftType + "\", \"r\": " + r + ", \"lora_alpha\": " + alpha
        + ", \"use_dora\": " + dora + ", \"use_rslora\": false, \"target_modules\": [\"layers.0\","
        + " \"layers.1\"], \"bias\": \"none\", \"task_type\": null}";
  }

  private java.nio.file.Path write(String config, List<Entry> entries) throws IOException {
    java.nio.file.Path d = dir.resolve("adapter");
    Files.createDirectories(d);
    if (config != null) {
      Files.writeString(d.resolve(PeftAdapters.CONFIG), config);
    }
    if (entries != null) {
      Files.write(d.resolve(PeftAdapters.WEIGHTS), PeftHandBuiltTest.safetensors("F32", entries));
    }
    return d;
  }

  /** Loads, expects a refusal naming {@code file}, and checks the net did not change. */
  private <E extends SafetensorsException> E refused(Class<E> type, Net target,
      java.nio.file.Path d, java.nio.file.Path file, String... fragments) {
    Layer before = copy(target.module());
    E e = assertThrows(type, () -> target.loadAdapter(d));
    assertEquals(file, e.file(), e.getMessage());
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
    }
    assertTrue(Tree.equals(before, target.module()));
    return e;
  }

  @Test
  void theGoodFileLoads() throws IOException {
    Net loaded = net.loadAdapter(write(config("LORA", 1, 2.0, false), good()));
    assertEquals(9f, Tree.leaf(loaded.module(), dev.graft.dsl.tree.Path.of("layers/1/loraB"))
        .value(1, 0));
  }

  @Test
  void unknownPeftType() throws IOException {
    java.nio.file.Path d = write(config("ADALORA", 1, 2.0, false), good());
    refused(CheckpointException.class, net, d, d.resolve(PeftAdapters.CONFIG), "ADALORA",
        "peft_type");
  }

  @Test
  void wrongRank() throws IOException {
    java.nio.file.Path d = write(config("LORA", 4, 2.0, false), good());
    refused(CheckpointException.class, net, d, d.resolve(PeftAdapters.CONFIG), "rank 4",
        "layers.0", "rank 1");
  }

  @Test
  void rankPatternIsHonoured() throws IOException {
    String cfg = config("LORA", 1, 2.0, false).replace("\"bias\"",
        "\"rank_pattern\": {\"layers.1\": 3}, \"bias\"");
    java.nio.file.Path d = write(cfg, good());
    refused(CheckpointException.class, net, d, d.resolve(PeftAdapters.CONFIG), "layers.1",
        "rank 3");
  }

  @Test
  void wrongAlphaMeansAnotherScale() throws IOException {
    java.nio.file.Path d = write(config("LORA", 1, 8.0, false), good());
    refused(CheckpointException.class, net, d, d.resolve(PeftAdapters.CONFIG), "lora_alpha",
        "scale 8.0", "scale 2.0");
  }

  @Test
  void doraConfigOntoLora() throws IOException {
    java.nio.file.Path d = write(config("LORA", 1, 2.0, true), good());
    refused(CheckpointException.class, net, d, d.resolve(PeftAdapters.CONFIG), "use_dora",
        "LoRAAdapter");
  }

  @Test
  void pissaConfigOntoPlainLora() throws IOException {
    String cfg = config("LORA", 1, 2.0, false).replace("\"bias\"",
        "\"init_lora_weights\": \"pissa_niter_4\", \"bias\"");
    java.nio.file.Path d = write(cfg, good());
    refused(CheckpointException.class, net, d, d.resolve(PeftAdapters.CONFIG),
        "init_lora_weights", "original weight");
  }

  @Test
  void anotherMethodsConfig() throws IOException {
    java.nio.file.Path d = write(config("IA3", 1, 2.0, false), good());
    refused(CheckpointException.class, net, d, d.resolve(PeftAdapters.CONFIG), "IA3",
        "LoRAAdapter");
  }

  @Test
  void missingConfig() throws IOException {
    java.nio.file.Path d = write(null, good());
    refused(CheckpointException.class, net, d, d.resolve(PeftAdapters.CONFIG), "no such file");
  }

  @Test
  void configThatIsNotJson() throws IOException {
    java.nio.file.Path d = write("{\"peft_type\": \"LORA\",", good());
    refused(CheckpointException.class, net, d, d.resolve(PeftAdapters.CONFIG), "not valid JSON");
  }

  @Test
  void missingWeights() throws IOException {
    java.nio.file.Path d = write(config("LORA", 1, 2.0, false), null);
    refused(SafetensorsException.class, net, d, d.resolve(PeftAdapters.WEIGHTS), "cannot open");
  }

  @Test
  void notADirectory() {
    java.nio.file.Path d = dir.resolve("nowhere");
    refused(CheckpointException.class, net, d, d, "not a directory");
  }

  @Test
  void missingKey() throws IOException {
    java.nio.file.Path d = write(config("LORA", 1, 2.0, false), good().subList(0, 3));
    CheckpointException e = refused(CheckpointException.class, net, d,
        d.resolve(PeftAdapters.WEIGHTS), "missing 1 leaf", "layers/1/loraB", B1);
    assertEquals(B1, e.key());
  }

  @Test
  void unexpectedKey() throws IOException {
    List<Entry> entries = new java.util.ArrayList<>(good());
    entries.add(new Entry("base_model.model.layers.2.lora_A.weight", new int[] {1, 2},
        new float[] {1, 1}));
    java.nio.file.Path d = write(config("LORA", 1, 2.0, false), entries);
    CheckpointException e = refused(CheckpointException.class, net, d,
        d.resolve(PeftAdapters.WEIGHTS), "unexpected 1 key");
    assertEquals("base_model.model.layers.2.lora_A.weight", e.key());
  }

  @Test
  void wrongShape() throws IOException {
    List<Entry> entries = new java.util.ArrayList<>(good());
    entries.set(2, new Entry(A1, new int[] {2, 1}, new float[] {6, 7}));
    java.nio.file.Path d = write(config("LORA", 1, 2.0, false), entries);
    CheckpointException e = refused(CheckpointException.class, net, d,
        d.resolve(PeftAdapters.WEIGHTS), "(2, 1)", "(1, 2)");
    assertEquals(A1, e.key());
  }

  @Test
  void integerTensorIsNotAWeight() throws IOException {
    java.nio.file.Path d = write(config("LORA", 1, 2.0, false), good());
    byte[] bytes = Files.readAllBytes(d.resolve(PeftAdapters.WEIGHTS));
    String s = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = s.indexOf("\"F32\"", s.indexOf(B0));
    bytes[at + 1] = 'I'; // F32 -> I32: same width, so the file stays well-formed
    Files.write(d.resolve(PeftAdapters.WEIGHTS), bytes);
    CheckpointException e = refused(CheckpointException.class, net, d,
        d.resolve(PeftAdapters.WEIGHTS), "I32", "floating-point");
    assertEquals(B0, e.key());
  }

  @Test
  void graftConfigPinsRankClassAndSeed() {
    Net two = perturbed(adapted(mlp(1), LoRALinear.FACTORY, 2, 4.0), 3);
    two.saveAdapter(dir.resolve("two"));
    java.nio.file.Path cfg = dir.resolve("two").resolve(PeftAdapters.CONFIG);
    refused(CheckpointException.class, adapted(mlp(1), LoRALinear.FACTORY, 1, 4.0),
        dir.resolve("two"), cfg, "rank");
    refused(CheckpointException.class, adapted(mlp(1), LoRALinear.FACTORY, 2, 8.0),
        dir.resolve("two"), cfg, "scale");
    refused(CheckpointException.class, adapted(mlp(1), DoRALinear.FACTORY, 2, 4.0),
        dir.resolve("two"), cfg, "DoRAAdapter");
    refused(CheckpointException.class, Net.of(mlp(1)).freeze().lora(2, 4.0, "layers/[01]"),
        dir.resolve("two"), cfg, "layers/2");

    // VeRA saved by seed (Graft-only): a net drawn from another seed is refused. Saved with its
    // projections (the default, as PEFT): the file's projections replace the net's.
    Net vera = perturbed(adapted(mlp(1), VeRALinear.FACTORY, 2, 1.0), 3);
    PeftAdapters.save(vera.module(), vera.trainablePaths(), dir.resolve("vera"),
        PeftAdapters.VeraProjections.SEEDED);
    Net otherSeed = Net.of(mlp(1)).freeze().lora(LoraSpec.builder().rank(2).seed(99)
        .wrappers(List.of(VeRALinear.FACTORY)).build());
    refused(CheckpointException.class, otherSeed, dir.resolve("vera"),
        dir.resolve("vera").resolve(PeftAdapters.CONFIG), "seed");
    vera.saveAdapter(dir.resolve("vera-stored"));
    Net stored = otherSeed.loadAdapter(dir.resolve("vera-stored"));
    dev.graft.runtime.Tensor x = dev.graft.runtime.Random.normal(dev.graft.runtime.Key.of(4), 3, 6);
    assertEquals(0f, vera.apply(x).maxAbsDiff(stored.apply(x)));
  }

  @Test
  void netsWithoutAdapters() {
    Net plain = Net.of(mlp(1));
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> plain.saveAdapter(dir.resolve("x")));
    assertTrue(e.getMessage().contains("no adapters"), e.getMessage());
    Net merged = adapted(mlp(1), LoRALinear.FACTORY, 2, 4.0).merge();
    e = assertThrows(IllegalStateException.class, () -> merged.saveAdapter(dir.resolve("x")));
    assertTrue(e.getMessage().contains("unmerge"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> merged.loadAdapter(dir.resolve("x")));
  }
}
