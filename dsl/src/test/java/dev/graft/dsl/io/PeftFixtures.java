package dev.graft.dsl.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.AdapterFactory;
import dev.graft.dsl.lora.DoRALinear;
import dev.graft.dsl.lora.IA3Linear;
import dev.graft.dsl.lora.LoRALinear;
import dev.graft.dsl.lora.PiSSALinear;
import dev.graft.dsl.lora.RsLoRALinear;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.lora.PeftLoKrLinear;
import dev.graft.dsl.lora.PeftOFTLinear;
import dev.graft.dsl.lora.VeRALinear;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The real PEFT adapters in {@code src/test/resources/peft/two} (see the README there): the
 * two-layer model {@code dec(relu(enc(x)))}, its base weights, and per PEFT kind the adapter
 * folder with PEFT's input {@code x} and output {@code y}.
 */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
final class PeftFixtures {
  private PeftFixtures() {}

  /** The model the fixtures were made for: {@code enc = Linear(16, 12)}, {@code dec = Linear(12, 6)}. */
  record Two(Layer enc, Layer dec) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return dec.apply(enc.apply(x).relu());
    }
  }

  /**
   * One PEFT folder and the zoo factory that reads it.
   *
   * @param name the folder under {@code peft/two}
   * @param factory the adapter kind
   * @param alpha the spec's alpha (PEFT's {@code lora_alpha} / {@code alpha})
   * @param meaning the config fields that must be equal in a folder Graft saves
   */
  record Kind(String name, AdapterFactory factory, double alpha, List<String> meaning) {}

  private static final List<String> LORA_FIELDS = List.of("peft_type", "r", "lora_alpha",
      "use_rslora", "use_dora", "target_modules", "rank_pattern", "alpha_pattern",
      "fan_in_fan_out", "bias", "modules_to_save");

  /** Every folder of the fixture set. */
  static final List<Kind> KINDS = List.of(
      new Kind("lora", LoRALinear.FACTORY, 8, LORA_FIELDS),
      new Kind("rslora", RsLoRALinear.FACTORY, 8, LORA_FIELDS),
      new Kind("dora", DoRALinear.FACTORY, 8, LORA_FIELDS),
      new Kind("pissa", PiSSALinear.FACTORY, 4, concat(LORA_FIELDS, "init_lora_weights")),
      new Kind("ia3", IA3Linear.FACTORY, 8, List.of("peft_type", "target_modules",
          "feedforward_modules", "fan_in_fan_out", "modules_to_save")),
      new Kind("vera", VeRALinear.FACTORY, 8, List.of("peft_type", "r", "target_modules",
          "save_projection", "fan_in_fan_out", "bias", "modules_to_save")),
      new Kind("lokr", PeftLoKrLinear.FACTORY, 8, List.of("peft_type", "r", "alpha",
          "target_modules", "rank_pattern", "alpha_pattern", "decompose_both", "decompose_factor",
          "use_effective_conv2d", "modules_to_save")),
      new Kind("oft", PeftOFTLinear.FACTORY, 8, List.of("peft_type", "r", "oft_block_size",
          "target_modules", "coft", "eps", "block_share", "use_cayley_neumann",
          "num_cayley_neumann_terms", "modules_to_save")));

  private static List<String> concat(List<String> a, String b) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>(a);
    out.add(b);
    return List.copyOf(out);
  }

  /** The fixture directory {@code peft/two} (or a folder under it). */
  static Path dir(String... more) {
    URL url = PeftFixtures.class.getResource("/peft/two/base.safetensors");
    if (url == null) {
      throw new IllegalStateException("test resource peft/two is missing");
    }
    try {
      Path p = Path.of(url.toURI()).getParent();
      for (String m : more) {
        p = p.resolve(m);
      }
      return p;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The base model with PEFT's base weights (keys {@code enc.weight}, ...). */
  static Net base() {
    Two fresh = new Two(Linear.create(16, 12, Key.of(91)), Linear.create(12, 6, Key.of(92)));
    return Net.load(dir("base.safetensors"), fresh);
  }

  /** The base adapted with {@code kind}'s factory at rank 4, its adapters at their init. */
  static Net adapted(Kind kind, long seed) {
    return base().freeze().lora(LoraSpec.builder().rank(4).alpha(kind.alpha())
        .wrappers(List.of(kind.factory())).seed(seed).build());
  }

  /** Tensors of {@code io.safetensors} of a folder: {@code x}, {@code y}, ... */
  static Map<String, Tensor> io(String name) {
    return Safetensors.read(dir(name, "io.safetensors")).tensors();
  }

  /** A folder's {@code adapter_config.json}. */
  static JsonNode config(Path folder) {
    try {
      return new ObjectMapper().readTree(Files.readAllBytes(folder.resolve(PeftAdapters.CONFIG)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
