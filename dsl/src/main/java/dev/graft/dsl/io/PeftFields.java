package dev.graft.dsl.io;

import dev.graft.dsl.Module;
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
 *   <tr><td>{@code lokrW1}, {@code lokrW2}</td><td>{@code lokr_w1}, {@code lokr_w2}, same
 *       shapes</td></tr>
 *   <tr><td>{@code oftS (blocks, b, b)}</td><td>{@code oft_r}, same shape</td></tr>
 *   <tr><td>any other field</td><td>its own name, same shape</td></tr>
 * </table>
 */
final class PeftFields {
  private static final Map<String, String> SUFFIX = Map.of(
      "loraA", "lora_A.weight",
      "loraB", "lora_B.weight",
      "loraMagnitude", "lora_magnitude_vector",
      "loraR", "lora_R.weight",
      "ia3L", "ia3_l",
      "lambdaB", "vera_lambda_b",
      "lambdaD", "vera_lambda_d",
      "lokrW1", "lokr_w1",
      "lokrW2", "lokr_w2",
      "oftS", "oft_r");

  private PeftFields() {}

  /** The key suffix of field {@code field} (see the class table). */
  static String suffix(String field) {
    return SUFFIX.getOrDefault(field, field);
  }

  /**
   * The shape PEFT stores field {@code field} of a wrapper over {@code base} in, given the field's
   * value {@code value} as Graft holds it.
   */
  static int[] fileShape(Module base, String field, Tensor value) {
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
