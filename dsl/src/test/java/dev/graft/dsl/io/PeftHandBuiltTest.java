package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.nn.Conv;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.DoRAAdapter;
import dev.graft.dsl.lora.DoRALinear;
import dev.graft.dsl.lora.IA3Adapter;
import dev.graft.dsl.lora.IA3Linear;
import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.nn.Activation;
import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adapter directories as PEFT writes them, built here byte by byte (header JSON by string, values
 * through a {@link ByteBuffer}, the config by hand, keys exactly PEFT's), load onto adapted nets
 * and give the weights PEFT would compute.
 */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class PeftHandBuiltTest {
  @TempDir
  java.nio.file.Path dir;

  /** One tensor of a hand-built file. */
  record Entry(String key, int[] shape, float[] values) {}

  /**
   * A safetensors file by hand: {@code dtype} F32 or BF16 (the top half of each float32; the
   * values must be exact in it).
   */
  static byte[] safetensors(String dtype, List<Entry> entries) {
    int width = dtype.equals("F32") ? 4 : 2;
    StringBuilder json = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    int offset = 0;
    for (Entry e : entries) {
      int bytes = e.values().length * width;
      StringBuilder shape = new StringBuilder();
      for (int i = 0; i < e.shape().length; i++) {
        shape.append(i == 0 ? "" : ",").append(e.shape()[i]);
      }
      json.append(",\"").append(e.key()).append("\":{\"dtype\":\"").append(dtype)
          .append("\",\"shape\":[").append(shape).append("],\"data_offsets\":[").append(offset)
          .append(',').append(offset + bytes).append("]}");
      offset += bytes;
    }
    json.append('}');
    byte[] header = json.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + offset).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(header.length).put(header);
    for (Entry e : entries) {
      for (float v : e.values()) {
        if (width == 4) {
          b.putFloat(v);
        } else {
          int bits = Float.floatToIntBits(v);
          if ((bits & 0xffff) != 0) {
            throw new IllegalArgumentException(v + " is not exact in BF16");
          }
          b.putShort((short) (bits >>> 16));
        }
      }
    }
    return b.array();
  }

  private java.nio.file.Path adapterDir(String config, byte[] weights) throws IOException {
    java.nio.file.Path d = dir.resolve("peft");
    Files.createDirectories(d);
    Files.writeString(d.resolve("adapter_config.json"), config);
    Files.write(d.resolve("adapter_model.safetensors"), weights);
    return d;
  }

  /** PEFT's LoRA config with the given type-specific lines. */
  private static String loraConfig(int r, String alpha, String targets, String extra) {
    return "{\n  \"alpha_pattern\": {},\n  \"auto_mapping\": null,\n"
        + "  \"base_model_name_or_path\": null,\n  \"bias\": \"none\",\n"
        + "  \"fan_in_fan_out\": false,\n  \"inference_mode\": true,\n"
        + "  \"init_lora_weights\": true,\n  \"layers_pattern\": null,\n"
        + "  \"layers_to_transform\": null,\n  \"lora_alpha\": " + alpha + ",\n"
        + "  \"lora_dropout\": 0.0,\n  \"modules_to_save\": null,\n  \"peft_type\": \"LORA\",\n"
        + "  \"r\": " + r + ",\n  \"rank_pattern\": {},\n  \"revision\": null,\n"
        + "  \"target_modules\": [" + targets + "],\n  \"task_type\": null,\n"
        + extra + "  \"use_rslora\": false\n}\n";
  }

  @Test
  void loraOnLinearLayersGivesPeftsWeights() throws IOException {
    Mlp mlp = Mlp.create(new int[] {3, 2, 2}, Activation.RELU, Key.of(4));
    Net net = Net.of(mlp).freeze().lora(1, 2.0); // s = 2
    float[] a0 = {0.5f, -1f, 2f};
    float[] b0 = {1f, -0.5f};
    float[] a1 = {1f, 0.25f};
    float[] b1 = {2f, 0f};
    byte[] weights = safetensors("F32", List.of(
        new Entry("base_model.model.layers.0.lora_A.weight", new int[] {1, 3}, a0),
        new Entry("base_model.model.layers.0.lora_B.weight", new int[] {2, 1}, b0),
        new Entry("base_model.model.layers.1.lora_A.weight", new int[] {1, 2}, a1),
        new Entry("base_model.model.layers.1.lora_B.weight", new int[] {2, 1}, b1)));
    java.nio.file.Path d = adapterDir(loraConfig(1, "2", "\"layers.0\", \"layers.1\"",
        "  \"use_dora\": false,\n"), weights);

    Net loaded = net.loadAdapter(d);
    Layer m = loaded.module();
    assertEquals(Tensor.of(a0, 1, 3), Tree.leaf(m, Path.of("layers/0/loraA")));
    assertEquals(Tensor.of(b0, 2, 1), Tree.leaf(m, Path.of("layers/0/loraB")));
    assertEquals(Tensor.of(a1, 1, 2), Tree.leaf(m, Path.of("layers/1/loraA")));
    assertEquals(Tensor.of(b1, 2, 1), Tree.leaf(m, Path.of("layers/1/loraB")));
    assertEquals(net.trainablePaths(), loaded.trainablePaths());

    // PEFT's merged weight W + (alpha/r)·B A, by hand.
    Layer merged = loaded.merge().module();
    checkMerged(mlp, merged, 0, a0, b0, 3);
    checkMerged(mlp, merged, 1, a1, b1, 2);
  }

  private static void checkMerged(Mlp base, Layer merged, int layer, float[] a, float[] b,
      int in) {
    float[] w = ((Linear) base.layers().get(layer)).weight().toArray();
    float[] expected = new float[w.length];
    for (int o = 0; o < b.length; o++) {
      for (int i = 0; i < in; i++) {
        expected[o * in + i] = w[o * in + i] + 2f * b[o] * a[i];
      }
    }
    float[] got = Tree.leaf(merged, Path.of("layers/" + layer + "/weight")).toArray();
    for (int k = 0; k < expected.length; k++) {
      assertEquals(expected[k], got[k], 1e-6f, "layers/" + layer + " weight[" + k + "]");
    }
  }

  @Test
  void loraOnAConv2dReadsPeftsKernelShapedFactors() throws IOException {
    Conv conv = Conv2d.create(2, 3, 2, Key.of(8)); // weight (3, 2, 2, 2)
    Net net = Net.of(Sequential.of(conv)).freeze().lora(1, 1.0); // s = 1
    float[] a = new float[8];
    for (int i = 0; i < 8; i++) {
      a[i] = (i + 1) * 0.125f;
    }
    float[] b = {1f, -1f, 0.5f};
    byte[] weights = safetensors("F32", List.of(
        new Entry("base_model.model.layers.0.lora_A.weight", new int[] {1, 2, 2, 2}, a),
        new Entry("base_model.model.layers.0.lora_B.weight", new int[] {3, 1, 1, 1}, b)));
    Net loaded = net.loadAdapter(adapterDir(loraConfig(1, "1", "\"layers.0\"",
        "  \"use_dora\": false,\n"), weights));
    LoRAAdapter w = (LoRAAdapter) Tree.get(loaded.module(), Path.of("layers/0"));
    assertEquals(Tensor.of(a, 1, 8), w.loraA());
    assertEquals(Tensor.of(b, 3, 1), w.loraB());
    float[] kernel = conv.weight().toArray();
    float[] merged = ((Conv) w.merge()).weight().toArray();
    for (int o = 0; o < 3; o++) {
      for (int j = 0; j < 8; j++) {
        assertEquals(kernel[o * 8 + j] + b[o] * a[j], merged[o * 8 + j], 1e-6f);
      }
    }
  }

  @Test
  void doraInBf16ReadsTheMagnitudeVector() throws IOException {
    Mlp mlp = Mlp.create(new int[] {3, 2}, Activation.RELU, Key.of(5));
    Net net = Net.of(mlp).freeze().lora(LoraSpec.builder().rank(1).alpha(4)
        .wrappers(List.of(DoRALinear.FACTORY)).build());
    float[] a = {1.5f, -2f, 0.5f};
    float[] b = {0.25f, -1f};
    float[] m = {3f, 0.75f};
    byte[] weights = safetensors("BF16", List.of(
        new Entry("base_model.model.layers.0.lora_A.weight", new int[] {1, 3}, a),
        new Entry("base_model.model.layers.0.lora_B.weight", new int[] {2, 1}, b),
        new Entry("base_model.model.layers.0.lora_magnitude_vector", new int[] {2}, m)));
    Net loaded = net.loadAdapter(adapterDir(loraConfig(1, "4", "\"layers.0\"",
        "  \"use_dora\": true,\n"), weights));
    DoRAAdapter w = (DoRAAdapter) Tree.get(loaded.module(), Path.of("layers/0"));
    assertEquals(Tensor.of(a, 1, 3), w.loraA());
    assertEquals(Tensor.of(b, 2, 1), w.loraB());
    assertEquals(Tensor.of(m, 2), w.loraMagnitude());
  }

  @Test
  void ia3ReadsPeftsColumnVector() throws IOException {
    Mlp mlp = Mlp.create(new int[] {3, 2}, Activation.RELU, Key.of(6));
    Net net = Net.of(mlp).freeze().lora(LoraSpec.builder()
        .wrappers(List.of(IA3Linear.FACTORY)).build());
    float[] l = {0.5f, 3f};
    byte[] weights = safetensors("F32", List.of(
        new Entry("base_model.model.layers.0.ia3_l", new int[] {2, 1}, l)));
    String config = "{\"base_model_name_or_path\": null, \"fan_in_fan_out\": false,"
        + " \"feedforward_modules\": [], \"inference_mode\": true, \"init_ia3_weights\": true,"
        + " \"modules_to_save\": null, \"peft_type\": \"IA3\", \"revision\": null,"
        + " \"target_modules\": [\"layers.0\"], \"task_type\": null}";
    Net loaded = net.loadAdapter(adapterDir(config, weights));
    IA3Adapter w = (IA3Adapter) Tree.get(loaded.module(), Path.of("layers/0"));
    assertEquals(Tensor.of(l, 2), w.ia3L());
    float[] base = ((Linear) mlp.layers().get(0)).weight().toArray();
    float[] merged = ((Linear) w.merge()).weight().toArray();
    for (int k = 0; k < 6; k++) {
      assertEquals(base[k] * l[k / 3], merged[k], 1e-6f);
    }
  }

  @Test
  void whatGraftWritesIsWhatThisWriterWrites() throws IOException {
    // The other direction: a Graft adapter holds exactly the bytes a hand-built PEFT file would.
    Mlp mlp = Mlp.create(new int[] {3, 2}, Activation.RELU, Key.of(7));
    Net net = CheckpointFixtures.perturbed(Net.of(mlp).freeze().lora(1, 2.0), 9);
    net.saveAdapter(dir.resolve("ours"));
    LoRAAdapter w = (LoRAAdapter) Tree.get(net.module(), Path.of("layers/0"));
    List<Entry> entries = new ArrayList<>();
    entries.add(new Entry("base_model.model.layers.0.lora_A.weight", new int[] {1, 3},
        w.loraA().toArray()));
    entries.add(new Entry("base_model.model.layers.0.lora_B.weight", new int[] {2, 1},
        w.loraB().toArray()));
    TensorFile ours = Safetensors.read(dir.resolve("ours").resolve("adapter_model.safetensors"));
    java.nio.file.Path theirs = HandMade.write(dir, "theirs.safetensors",
        safetensors("F32", entries));
    assertEquals(Safetensors.read(theirs).tensors(), ours.tensors());
    for (Entry e : entries) {
      assertArrayEquals(e.shape(), ours.tensors().get(e.key()).shape());
    }
    assertTrue(Files.readString(dir.resolve("ours").resolve("adapter_config.json"))
        .contains("\"peft_type\" : \"LORA\""));
  }
}
