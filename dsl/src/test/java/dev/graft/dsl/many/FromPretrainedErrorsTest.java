package dev.graft.dsl.many;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import dev.graft.dsl.io.CheckpointException;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.nn.Activation;
import dev.graft.dsl.nn.Mlp;
import dev.graft.runtime.Key;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fromPretrained} refuses what it cannot build, naming the file and the layer. */
class FromPretrainedErrorsTest {
  @TempDir
  java.nio.file.Path dir;

  static final Mlp MODEL = Mlp.create(new int[] {6, 8, 3}, Activation.TANH, Key.of(3));

  private String error(java.nio.file.Path d) {
    return assertThrows(RuntimeException.class, () -> Net.fromPretrained(MODEL, d)).getMessage();
  }

  @Test
  void aMissingOrEmptyDirectory() {
    assertTrue(error(dir.resolve("nope")).contains("is not a directory"));
    assertTrue(error(dir).contains("holds no adapter_config.json"));
  }

  @Test
  void aPeftConfigOfAnotherMethodOrWithFieldsItDoesNotRead() throws IOException {
    java.nio.file.Path config = dir.resolve("adapter_config.json");
    // A PEFT method Graft reads, but the weights beside it are missing: named.
    Files.writeString(config, "{\"peft_type\": \"IA3\", \"target_modules\": [\"0\"]}");
    String m = error(dir);
    assertTrue(m.contains("adapter_model.safetensors"), m);
    Files.writeString(config, "{\"peft_type\": \"BOFT\", \"target_modules\": [\"0\"]}");
    m = error(dir);
    assertTrue(m.contains("adapter_config.json") && m.contains("BOFT"), m);
    Files.writeString(config, "{\"peft_type\": \"LORA\", \"r\": 2, \"lora_alpha\": 4,"
        + " \"target_modules\": [\"0\"], \"layers_to_transform\": [0]}");
    m = error(dir);
    assertTrue(m.contains("\"layers_to_transform\""), m);
    Files.writeString(config, "{\"peft_type\": \"LORA\", \"r\": 2, \"lora_alpha\": 4,"
        + " \"target_modules\": [\"q_proj\"]}");
    m = error(dir);
    assertTrue(m.contains("target_modules") && m.contains("q_proj"), m);
    Files.writeString(config, "[1, 2]");
    assertTrue(error(dir).contains("not a JSON object"));
  }

  @Test
  void aLayerTheBaseLacksOrAClassWithoutFactory() throws IOException {
    Net.of(MODEL).freeze().lora(LoraSpec.of(2, 4.0)).saveAdapter(dir);
    java.nio.file.Path config = dir.resolve("adapter_config.json");
    String json = Files.readString(config);
    Files.writeString(config, json.replace("\"layers/1\"", "\"layers/7\""));
    String m = error(dir);
    assertTrue(m.contains("'layers/7'") && m.contains("does not have"), m);
    Files.writeString(config, json.replace("dev.graft.dsl.lora.LoRAAdapter", "java.lang.String"));
    m = error(dir);
    assertTrue(m.contains("'java.lang.String'") && m.contains("FACTORY"), m);
    assertThrows(CheckpointException.class, () -> Net.fromPretrained(MODEL, dir));
  }

  @Test
  void aBaseThatAlreadyHoldsAdapters() {
    Net.of(MODEL).freeze().lora(LoraSpec.of(2, 4.0)).saveAdapter(dir);
    Net adapted = Net.of(MODEL).freeze().lora(LoraSpec.of(2, 4.0));
    String m = assertThrows(IllegalArgumentException.class,
        () -> Net.fromPretrained(adapted.module(), dir)).getMessage();
    assertTrue(m.contains("already holds adapters"), m);
  }
}
