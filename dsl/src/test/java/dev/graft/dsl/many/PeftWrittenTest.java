package dev.graft.dsl.many;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import dev.graft.dsl.io.Safetensors;
import dev.graft.dsl.io.TensorFile;
import dev.graft.dsl.lora.DoRALinear;
import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.RsLoRAAdapter;
import dev.graft.dsl.lora.RsLoRALinear;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.nn.Activation;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fromPretrained} on LoRA directories whose config PEFT wrote (no {@code "graft"}
 * object): the layers come from {@code target_modules} by PEFT's matching rule, the ranks and
 * scales from {@code r}, {@code lora_alpha} and their patterns, the class from {@code
 * use_rslora} / {@code use_dora}; the weights are the same PEFT keys Graft writes.
 */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class PeftWrittenTest {
  @TempDir
  java.nio.file.Path dir;

  static final Mlp MODEL = Mlp.create(new int[] {6, 8, 8, 3}, Activation.TANH, Key.of(3));
  static final Tensor X = Random.normal(Key.of(4), 5, 6);

  /** A config as PEFT writes it, with the given fields. */
  private static String config(String targets, String extra) {
    return "{\"peft_type\": \"LORA\", \"task_type\": null, \"r\": 2, \"lora_alpha\": 4,"
        + " \"lora_dropout\": 0.0, \"bias\": \"none\", \"fan_in_fan_out\": false,"
        + " \"init_lora_weights\": true, \"layers_to_transform\": null,"
        + " \"layers_pattern\": null, \"modules_to_save\": null, \"target_modules\": " + targets
        + extra + "}";
  }

  /**
   * Graft saves {@code net}; the config is then replaced by PEFT's for the same adapters, and the
   * weights lose the binding to Graft's config that a file PEFT wrote never has.
   */
  private Net viaPeftConfig(Net net, String config) throws IOException {
    net.saveAdapter(dir);
    java.nio.file.Path weightsFile = dir.resolve("adapter_model.safetensors");
    TensorFile weights = Safetensors.read(weightsFile);
    Map<String, String> meta = new LinkedHashMap<>(weights.metadata());
    meta.remove("graft.adapter_config.sha256");
    Safetensors.write(weightsFile, weights.tensors(), meta);
    Files.writeString(dir.resolve("adapter_config.json"), config);
    return Net.fromPretrained(MODEL, dir);
  }

  @Test
  void suffixTargetsAndPatterns() throws IOException {
    // Rank 2, alpha 4 on layers 0 and 2; layer 2 has rank 4 and alpha 16 by the patterns.
    Net net = ManyFixtures.perturbAll(Net.of(MODEL).freeze()
        .lora(LoraSpec.builder().rank(4).alpha(16).target("layers/2").build(),
            LoraSpec.builder().rank(2).alpha(4).target("layers/0").build()), 3);
    Net back = viaPeftConfig(net, config("[\"0\", \"2\"]",
        ", \"rank_pattern\": {\"layers.2\": 4}, \"alpha_pattern\": {\"2\": 16}"));
    assertTrue(Tree.equals(net.module(), back.module()));
    assertEquals(net.trainablePaths(), back.trainablePaths());
    assertArrayEquals(net.apply(X).toArray(), back.apply(X).toArray(), 0f);
  }

  @Test
  void aRegexTargetAndTheVariantFlags() throws IOException {
    Net rs = ManyFixtures.perturbAll(Net.of(MODEL).freeze().lora(LoraSpec.builder().rank(2)
        .alpha(4).target("layers/(0|1)").wrappers(List.of(RsLoRALinear.FACTORY)).build()), 4);
    Net back = viaPeftConfig(rs, config("\"layers\\\\.(0|1)\"", ", \"use_rslora\": true"));
    assertInstanceOf(RsLoRAAdapter.class, Tree.get(back.module(), Path.of("layers/1")));
    assertInstanceOf(Linear.class, Tree.get(back.module(), Path.of("layers/2")));
    assertTrue(Tree.equals(rs.module(), back.module()));

    Net dora = ManyFixtures.perturbAll(Net.of(MODEL).freeze().lora(LoraSpec.builder().rank(2)
        .alpha(4).wrappers(List.of(DoRALinear.FACTORY)).build()), 5);
    back = viaPeftConfig(dora, config("[\"layers.0\", \"layers.1\", \"layers.2\"]",
        ", \"use_dora\": true"));
    assertTrue(Tree.equals(dora.module(), back.module()));

    // The config decides: the same weights read as plain LoRA give a LoRAAdapter.
    Net plain = ManyFixtures.perturbAll(Net.of(MODEL).freeze().lora(2, 4.0), 6);
    back = viaPeftConfig(plain, config("\"layers\\\\.[0-2]\"", ""));
    assertInstanceOf(LoRAAdapter.class, Tree.get(back.module(), Path.of("layers/0")));
    assertArrayEquals(plain.apply(X).toArray(), back.apply(X).toArray(), 0f);
  }
}
