package dev.graft.dsl.io;

import static dev.graft.dsl.io.CheckpointFixtures.adapted;
import static dev.graft.dsl.io.CheckpointFixtures.copy;
import static dev.graft.dsl.io.CheckpointFixtures.mlp;
import static dev.graft.dsl.io.CheckpointFixtures.perturbed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.LoRALinear;
import dev.graft.dsl.lora.VeRALinear;
import dev.graft.dsl.tree.Tree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Damaged checkpoints: random byte changes (mostly in the JSON), truncations, and config fields
 * of every wrong type. Loading either succeeds with a tree of the same structure or raises a
 * {@link SafetensorsException} (or its {@link CheckpointException}) naming the damaged file;
 * nothing else escapes, and the net loaded onto never changes.
 */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class CheckpointFuzzTest {
  @TempDir
  Path dir;

  private static byte[] bytes(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path p, byte[] b) {
    try {
      Files.write(p, b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bytes that mean something in JSON or UTF-8, and sometimes any byte. */
  private static Gen<Integer> damagingBytes() {
    List<Integer> meaningful = new ArrayList<>();
    "{}[]\":,-.0123456789eE \\/tnulF".chars().forEach(meaningful::add);
    meaningful.addAll(List.of(0x00, 0x80, 0xc3, 0xff, 0x7f));
    return Generate.pick(meaningful).mix(integers().between(0, 255), 40);
  }

  /** Damage of {@code valid}: up to 4 changed bytes, mostly before {@code hot}, and a length. */
  private static Gen<byte[]> damaged(byte[] valid, int hot) {
    Gen<Integer> inHot = integers().between(0, Math.max(0, hot - 1));
    Gen<Integer> anywhere = integers().between(0, valid.length - 1);
    Gen<List<Integer>> positions = lists().of(inHot.mix(anywhere, 20)).ofSizeBetween(0, 4);
    Gen<List<Integer>> values = lists().of(damagingBytes()).ofSizeBetween(4, 4);
    Gen<Integer> keep = integers().between(0, valid.length)
        .mix(Generate.constant(valid.length), 80);
    return positions.zip(values, keep, (pos, val, n) -> {
      byte[] b = valid.clone();
      for (int i = 0; i < pos.size(); i++) {
        b[pos.get(i)] = (byte) (int) val.get(i);
      }
      return Arrays.copyOf(b, n);
    });
  }

  private static int headerEnd(byte[] safetensors) {
    return (int) Math.min(safetensors.length, 8 + java.nio.ByteBuffer.wrap(safetensors, 0, 8)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
  }

  @Test
  void damagedModelCheckpoints() {
    Net trained = perturbed(adapted(mlp(1), VeRALinear.FACTORY, 2, 1.0), 7);
    Path good = dir.resolve("good.safetensors");
    trained.save(good);
    byte[] valid = bytes(good);
    Layer target = adapted(mlp(2), VeRALinear.FACTORY, 2, 1.0).module();
    Layer snapshot = copy(target);
    Path file = dir.resolve("fuzz.safetensors");
    int[] outcomes = new int[2];
    qt().withExamples(300).forAll(damaged(valid, headerEnd(valid))).checkAssert(b -> {
      write(file, b);
      try {
        Net n = Net.load(file, target);
        assertEquals(Tree.flatten(target).structure(), Tree.flatten(n.module()).structure());
        outcomes[0]++;
      } catch (SafetensorsException e) {
        outcomes[1]++;
        assertEquals(file, e.file(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
      }
      assertTrue(Tree.equals(snapshot, target));
    });
    assertTrue(outcomes[0] > 0 && outcomes[1] > 0, "loaded " + outcomes[0] + ", refused "
        + outcomes[1]);
  }

  @Test
  void damagedAdapterDirectories() {
    Net trained = perturbed(adapted(mlp(1), LoRALinear.FACTORY, 2, 4.0), 7)
        .unfreeze(dev.graft.dsl.tree.Mask.regex("layers/2/base/.*"));
    Path good = dir.resolve("good");
    trained.saveAdapter(good);
    byte[] config = bytes(good.resolve(PeftAdapters.CONFIG));
    byte[] weights = bytes(good.resolve(PeftAdapters.WEIGHTS));
    Net target = adapted(mlp(2), LoRALinear.FACTORY, 2, 4.0);
    Layer snapshot = copy(target.module());
    Path d = dir.resolve("fuzz");
    Path configFile = d.resolve(PeftAdapters.CONFIG);
    Path weightsFile = d.resolve(PeftAdapters.WEIGHTS);
    try {
      Files.createDirectories(d);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int[] outcomes = new int[2];
    qt().withExamples(250)
        .forAll(booleans().all(), damaged(config, config.length), damaged(weights,
            headerEnd(weights)))
        .checkAssert((damageConfig, c, w) -> {
          write(configFile, damageConfig ? c : config);
          write(weightsFile, damageConfig ? weights : w);
          try {
            Net n = target.loadAdapter(d);
            assertEquals(Tree.flatten(target.module()).structure(),
                Tree.flatten(n.module()).structure());
            outcomes[0]++;
          } catch (SafetensorsException e) {
            outcomes[1]++;
            assertTrue(Set.of(d, configFile, weightsFile).contains(e.file()), e.getMessage());
          }
          assertTrue(Tree.equals(snapshot, target.module()));
        });
    assertTrue(outcomes[0] > 0 && outcomes[1] > 0, "loaded " + outcomes[0] + ", refused "
        + outcomes[1]);
  }

  @Test
  void configFieldsOfEveryWrongType() throws IOException {
    Net trained = perturbed(adapted(mlp(1), LoRALinear.FACTORY, 2, 4.0), 7);
    Path d = dir.resolve("typed");
    trained.saveAdapter(d);
    // Drop the weights' binding to this config (as in a file PEFT wrote), so each edited config
    // is judged on its fields rather than refused as a stranger to the weights.
    Path weightsFile = d.resolve(PeftAdapters.WEIGHTS);
    TensorFile weights = Safetensors.read(weightsFile);
    java.util.Map<String, String> meta = new java.util.LinkedHashMap<>(weights.metadata());
    meta.remove(AdapterFiles.CONFIG_HASH);
    Safetensors.write(weightsFile, weights.tensors(), meta);
    Path configFile = d.resolve(PeftAdapters.CONFIG);
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode good = (ObjectNode) mapper.readTree(Files.readString(configFile));
    List<String> values = List.of("null", "true", "-1", "2", "2.5", "1e308",
        "9223372036854775808", "\"x\"", "\"layers.0\"", "[1]", "[\"layers.0\"]", "{}",
        "{\"layers.0\": 5}", "{\"(\": 1}");
    Net target = adapted(mlp(2), LoRALinear.FACTORY, 2, 4.0);
    int accepted = 0;
    int refused = 0;
    for (List<String> path : fieldPaths(good)) {
      for (String v : values) {
        for (boolean withGraft : new boolean[] {true, false}) {
          ObjectNode cfg = good.deepCopy();
          if (!withGraft) {
            cfg.remove("graft");
          }
          if (!withGraft && path.get(0).equals("graft")) {
            continue;
          }
          set(cfg, path, mapper.readTree(v));
          Files.writeString(configFile, mapper.writeValueAsString(cfg));
          try {
            target.loadAdapter(d);
            accepted++;
          } catch (CheckpointException e) {
            assertEquals(configFile, e.file(), e.getMessage());
            refused++;
          }
        }
      }
    }
    assertTrue(accepted > 0 && refused > 0, accepted + " accepted, " + refused + " refused");
  }

  /** The paths of every field of {@code node}, objects descended into. */
  private static List<List<String>> fieldPaths(JsonNode node) {
    List<List<String>> out = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      out.add(List.of(name));
      JsonNode child = node.get(name);
      if (child.isObject()) {
        for (List<String> sub : fieldPaths(child)) {
          List<String> p = new ArrayList<>();
          p.add(name);
          p.addAll(sub);
          out.add(p);
        }
      }
    }
    return out;
  }

  private static void set(ObjectNode root, List<String> path, JsonNode value) {
    ObjectNode node = root;
    for (int i = 0; i < path.size() - 1; i++) {
      node = (ObjectNode) node.get(path.get(i));
    }
    node.set(path.get(path.size() - 1), value);
  }
}
