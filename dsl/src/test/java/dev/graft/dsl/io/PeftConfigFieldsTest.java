package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Mask;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.nn.Bert;
import dev.graft.dsl.nn.BertConfig;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeftConfigFieldsTest {
  static final String BASE = "sentence-transformers/all-MiniLM-L6-v2";

  @TempDir
  Path dir;

  static Bert bert() {
    return Bert.create(new BertConfig(40, 16, 3, 2, 32, 12, 2, 1e-12f), Key.of(5));
  }

  static JsonNode config(Path dir) throws IOException {
    return new ObjectMapper().readTree(Files.readAllBytes(dir.resolve("adapter_config.json")));
  }

  @Test
  void queryAndValueOfEveryLayerAreWrittenInPeftsShortFormWithPeftsKeys() throws IOException {
    Net net = Net.of(bert()).freeze().lora(8, 16.0, Mask.modules("query", "value"));
    net.saveAdapter(dir);
    PeftConfigFields.describe(net.module(), dir, BASE, List.of("query", "value"));
    JsonNode c = config(dir);
    assertEquals(BASE, c.get("base_model_name_or_path").asText());
    assertEquals("[\"query\",\"value\"]", c.get("target_modules").toString());
    assertTrue(c.get("layers_to_transform") == null || c.get("layers_to_transform").isNull());
    assertEquals("LORA", c.get("peft_type").asText());
    Set<String> keys = new TreeSet<>(Safetensors.read(dir.resolve("adapter_model.safetensors"))
        .tensors().keySet());
    assertEquals(12, keys.size());
    assertTrue(keys.contains("base_model.model.encoder.layer.0.attention.self.query.lora_A.weight"),
        keys.toString());
    assertTrue(keys.contains("base_model.model.encoder.layer.2.attention.self.value.lora_B.weight"),
        keys.toString());
    // The loader does not read these fields: the adapter loads back the same.
    Net other = Net.of(bert()).freeze().lora(LoraSpec.builder().rank(8).alpha(16.0)
        .addTargetModules("query", "value").seed(9).build());
    assertTrue(!Tree.equals(other.module(), net.module()));
    assertTrue(Tree.equals(other.loadAdapter(dir).module(), net.module()));
  }

  @Test
  void someLayersOfTheStackAreWrittenAsLayersToTransform() throws IOException {
    Net net = Net.of(bert()).freeze().lora(4, 8.0, ".*layer/(1|2)/attention/self/(query|value)");
    net.saveAdapter(dir);
    PeftConfigFields.describe(net.module(), dir, BASE, List.of("query", "value"));
    JsonNode c = config(dir);
    assertEquals("[1,2]", c.get("layers_to_transform").toString());
    assertEquals("layer", c.get("layers_pattern").asText());
  }

  @Test
  void targetsThatSelectOtherModulesAreRefusedAndTheFileIsKept() throws IOException {
    Net net = Net.of(bert()).freeze().lora(4, 8.0, Mask.modules("query", "value"));
    net.saveAdapter(dir);
    byte[] before = Files.readAllBytes(dir.resolve("adapter_config.json"));
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> PeftConfigFields.describe(net.module(), dir, BASE, List.of("query")));
    assertTrue(e.getMessage().contains("value"), e.getMessage());
    e = assertThrows(CheckpointException.class,
        () -> PeftConfigFields.describe(net.module(), dir, BASE,
            List.of("query", "value", "dense")));
    assertTrue(e.getMessage().contains("dense"), e.getMessage());
    assertEquals(new String(before), new String(Files.readAllBytes(
        dir.resolve("adapter_config.json"))));
  }
}
