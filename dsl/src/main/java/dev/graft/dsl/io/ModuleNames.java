package dev.graft.dsl.io;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Translates between Graft's tree paths and PyTorch's module and parameter names, so checkpoints
 * move between the two worlds:
 *
 * <ul>
 *   <li>{@code encoder/layers/0/weight} ↔ {@code encoder.layers.0.weight} (a {@code state_dict}
 *       key; list indices are numbers in both);
 *   <li>the rename an adapter makes (d9d's {@code x.weight} → {@code x.base.weight}): a wrapper
 *       holds its layer under the component {@code base}, so the leaf {@code layers/0/weight} of the
 *       plain model is {@code layers/0/base/weight} once {@code layers/0} is adapted; {@link
 *       #withoutBase} undoes it. PEFT calls the same component {@code base_layer}
 *       ({@link #peftName});
 *   <li>the keys of PEFT's {@code adapter_model.safetensors}: {@code base_model.model.} + the
 *       dotted module path + the tensor's suffix ({@link #peftKey}).
 * </ul>
 *
 * <p>A dotted name is ambiguous when a path segment (a map key) itself holds a dot; the loaders
 * match on both spellings and refuse a key that fits two leaves.
 */
public final class ModuleNames {
  /** What PEFT puts before a module's name in an adapter file. */
  public static final String PEFT_PREFIX = "base_model.model.";

  private ModuleNames() {}

  /** {@code encoder/layers/0} → {@code encoder.layers.0}; the root is {@code ""}. */
  public static String dotted(Path path) {
    return String.join(".", path.segments());
  }

  /**
   * {@code encoder.layers.0.weight} → {@code encoder/layers/0/weight}; {@code ""} is the root. An
   * empty segment (a leading, trailing or doubled dot) or a {@code '/'} is an error.
   */
  public static Path fromDotted(String name) {
    if (name.isEmpty()) {
      return Path.root();
    }
    String[] parts = name.split("\\.", -1);
    for (String p : parts) {
      if (p.isEmpty() || p.contains("/")) {
        throw new IllegalArgumentException("ModuleNames.fromDotted: '" + name + "' is not a dotted"
            + " module name (empty segment or '/'); expected e.g. 'encoder.layers.0.weight'");
      }
    }
    return Path.of(List.of(parts));
  }

  /**
   * {@code path} with the base component of every wrapper on its way left out: in a tree where
   * {@code layers/0} is a {@link LoraWrapper}, {@code layers/0/base/weight} → {@code
   * layers/0/weight}, the name the leaf had before the adapter was added. Paths that pass through
   * no wrapper's base come back unchanged. {@code path} must exist in {@code tree}.
   */
  public static Path withoutBase(Layer tree, Path path) {
    return rename(tree, path, null);
  }

  /**
   * PEFT's name for a leaf of an adapted tree: dotted, with each wrapper's base component called
   * {@code base_layer} ({@code layers/0/base/weight} → {@code layers.0.base_layer.weight}), as in
   * the {@code state_dict} of a PEFT model before {@code merge_and_unload}.
   */
  public static String peftName(Layer tree, Path path) {
    return dotted(rename(tree, path, "base_layer"));
  }

  /**
   * The key under which PEFT stores tensor {@code suffix} of the adapter at layer {@code layer}:
   * {@code base_model.model.encoder.layers.0.lora_A.weight} for {@code (encoder/layers/0,
   * "lora_A.weight")}; a wrapper at the root gives {@code base_model.model.lora_A.weight}.
   */
  public static String peftKey(Path layer, String suffix) {
    String module = dotted(layer);
    return PEFT_PREFIX + (module.isEmpty() ? "" : module + ".") + suffix;
  }

  /** The name of {@code wrapper}'s component holding {@link LoraWrapper#base()}. */
  static String baseComponent(LoraWrapper wrapper) {
    Layer base = wrapper.base();
    for (Map.Entry<String, Object> e : wrapper.children().entrySet()) {
      if (e.getValue() == base) {
        return e.getKey();
      }
    }
    return "base";
  }

  /** Drops (replacement null) or renames each wrapper's base segment on the way to the leaf. */
  private static Path rename(Layer tree, Path path, @Nullable String replacement) {
    List<String> out = new ArrayList<>();
    Object node = tree;
    for (int i = 0; i < path.depth(); i++) {
      String seg = path.segment(i);
      boolean isBase = node instanceof LoraWrapper w && seg.equals(baseComponent(w));
      if (!isBase) {
        out.add(seg);
      } else if (replacement != null) {
        out.add(replacement);
      }
      node = Tree.get(tree, path.prefix(i + 1));
    }
    return Path.of(out);
  }
}
