package dev.graft.dsl.io;

import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.lora.PeftForm;
import dev.graft.dsl.lora.ZooAdapter;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.ConvLayer;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * Where an adapter field lives in a PEFT {@code adapter_model.safetensors}: the key suffix after
 * the module name, and the shape PEFT gives the tensor. Every conversion is a reshape (the
 * element order of Graft's matrices is PyTorch's), so loading reshapes back.
 *
 * <table>
 *   <caption>Graft field → PEFT key suffix (Linear shape; Conv shape)</caption>
 *   <tr><td>{@code loraA (r, in)}</td><td>{@code lora_A.weight} (r, in); (r, in/groups, *k)</td></tr>
 *   <tr><td>{@code loraB (out, r)}</td><td>{@code lora_B.weight} (out, r); (out, r, 1, ...)</td></tr>
 *   <tr><td>{@code loraMagnitude (out)}</td><td>{@code lora_magnitude_vector} (out); (1, out, 1,
 *       ...)</td></tr>
 *   <tr><td>{@code loraR (r, r)}</td><td>{@code lora_R.weight} (r, r), Graft's name for LoRA-XS
 *       (PEFT has none)</td></tr>
 *   <tr><td>{@code ia3L (out)}</td><td>{@code ia3_l} (out, 1); (1, out, 1, ...)</td></tr>
 *   <tr><td>{@code lambdaB (out)}, {@code lambdaD (r)}</td><td>{@code vera_lambda_b}, {@code
 *       vera_lambda_d}, same shapes</td></tr>
 *   <tr><td>{@code lokrW1}, {@code lokrW1A}, {@code lokrW1B}, {@code lokrW2}, {@code lokrW2A},
 *       {@code lokrW2B}</td><td>{@code lokr_w1}, {@code lokr_w1_a}, {@code lokr_w1_b}, {@code
 *       lokr_w2}, {@code lokr_w2_a}, {@code lokr_w2_b}, same shapes</td></tr>
 *   <tr><td>{@code oftR (k, b(b−1)/2)}</td><td>{@code oft_R.weight}, same shape (PEFT's
 *       OFT)</td></tr>
 *   <tr><td>{@code oftS (blocks, b, b)}</td><td>{@code oft_r}, same shape (the zoo's OFT,
 *       Graft-only)</td></tr>
 *   <tr><td>any other field</td><td>its own name, same shape</td></tr>
 * </table>
 */
final class PeftFields {
  private static final Map<String, String> SUFFIX = Map.ofEntries(
      Map.entry("loraA", "lora_A.weight"),
      Map.entry("loraB", "lora_B.weight"),
      Map.entry("loraMagnitude", "lora_magnitude_vector"),
      Map.entry("loraR", "lora_R.weight"),
      Map.entry("ia3L", "ia3_l"),
      Map.entry("lambdaB", "vera_lambda_b"),
      Map.entry("lambdaD", "vera_lambda_d"),
      Map.entry("lokrW1", "lokr_w1"),
      Map.entry("lokrW1A", "lokr_w1_a"),
      Map.entry("lokrW1B", "lokr_w1_b"),
      Map.entry("lokrW2", "lokr_w2"),
      Map.entry("lokrW2A", "lokr_w2_a"),
      Map.entry("lokrW2B", "lokr_w2_b"),
      Map.entry("oftR", "oft_R.weight"),
      Map.entry("oftS", "oft_r"));

  private PeftFields() {}

  /**
   * The key suffix of field {@code field} of {@code w}: what its kind's {@link PeftForm} declares
   * for a zoo adapter, else the class table.
   */
  static String suffix(LoraWrapper w, String field) {
    if (w instanceof ZooAdapter z) {
      return z.peft().key(field);
    }
    return SUFFIX.getOrDefault(field, field);
  }

  /**
   * The shape PEFT stores field {@code field} of a wrapper over {@code base} in, given the field's
   * value {@code value} as Graft holds it.
   */
  static int[] fileShape(Layer base, String field, Tensor value) {
    int[] s = value.shape();
    boolean conv = base instanceof ConvLayer;
    switch (field) {
      case "loraA" -> {
        if (conv && s.length == 2) {
          int[] w = ((ConvLayer) base).weight().shape();
          int[] out = w.clone();
          out[0] = s[0];
          return count(out) == value.size() ? out : s;
        }
      }
      case "loraB" -> {
        if (conv && s.length == 2) {
          return withOnes(new int[] {s[0], s[1]}, ((ConvLayer) base).spatialDims());
        }
      }
      case "loraMagnitude", "ia3L" -> {
        if (s.length == 1) {
          if (conv) {
            return withOnes(new int[] {1, s[0]}, ((ConvLayer) base).spatialDims());
          }
          return field.equals("ia3L") ? new int[] {s[0], 1} : s;
        }
      }
      default -> {
        return s;
      }
    }
    return s;
  }

  private static int[] withOnes(int[] head, int ones) {
    int[] out = Arrays.copyOf(head, head.length + ones);
    Arrays.fill(out, head.length, out.length, 1);
    return out;
  }

  private static long count(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }
}
