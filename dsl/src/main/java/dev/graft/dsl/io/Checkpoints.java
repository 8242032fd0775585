package dev.graft.dsl.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.dsl.lora.AdaptedLayers;
import dev.graft.dsl.lora.BaseDerived;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Trainable;
import dev.graft.dsl.tree.TrainableTree;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whole-model checkpoints: every leaf of a tree in one safetensors file, named by its path
 * ({@code encoder/layers/0/weight}), with which leaves train. It works on trees and their trainable
 * paths ({@link Trainable}); the {@code Net} facade delegates here.
 *
 * <pre>{@code
 * net.save(file);                                  // Checkpoints.save(net, file)
 * Net back = Net.load(file, Model.create(key));    // any tree of the same structure
 * Net adapted = Net.of(model).lora(8, 16).loadBase(pretrained);  // a checkpoint from before lora
 * Layer tree = Checkpoints.load(file, Model.create(key)).module();  // the tree alone
 * }</pre>
 *
 * <p>The file's metadata holds {@code format = pt} (as PyTorch writers do), {@code
 * graft.format_version = 1}, the root class, and {@code graft.trainable}: a JSON array of the
 * trainable leaf paths, restored on load. Loading accepts the keys slash-joined (as saved) or
 * dotted as in a PyTorch {@code state_dict} ({@code encoder.layers.0.weight}), in any float
 * dtype (F16, BF16, F64 widen or round to float32).
 *
 * <p>Loading is all-or-nothing: every tensor is checked and read, and the new tree built, before
 * anything is returned; the given tree and net are immutable and never change. A key the tree
 * lacks, a leaf the file lacks, or a shape or dtype that disagrees is a {@link
 * CheckpointException} naming the file and key; a malformed file is a {@link
 * SafetensorsException}.
 *
 * <p>Several leaves that are one tensor object (VeRA's shared projections) are stored once per
 * path; on load they are one object again when their stored values are equal.
 */
public final class Checkpoints {
  /** The version this code writes and reads. */
  public static final int FORMAT_VERSION = 1;
  /** Metadata key of the format version. */
  public static final String VERSION_KEY = "graft.format_version";
  /** Metadata key of the trainable leaf paths (a JSON array of strings). */
  public static final String TRAINABLE_KEY = "graft.trainable";
  /** Metadata key of the root module's class (informative). */
  public static final String ROOT_KEY = "graft.root";

  private Checkpoints() {}

  /**
   * Writes every leaf of {@code net}'s tree to {@code file} under its slash-joined path, with the
   * trainable paths in the metadata; the file is replaced atomically.
   */
  public static void save(Trainable<?> net, java.nio.file.Path file) {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<Path, Tensor> e : Tree.leavesByPath(net.module()).entrySet()) {
      tensors.put(e.getKey().toString(), e.getValue());
    }
    List<String> trainable = new ArrayList<>();
    for (Path p : net.trainablePaths()) {
      trainable.add(p.toString());
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    meta.put(VERSION_KEY, Integer.toString(FORMAT_VERSION));
    meta.put(ROOT_KEY, net.module().getClass().getName());
    meta.put(TRAINABLE_KEY, JsonFiles.compact(trainable));
    Safetensors.write(file, tensors, meta);
  }

  /**
   * {@code tree} with every leaf replaced from {@code file} (keys slash-joined or dotted), with the
   * trainable paths the file records (every leaf if it records none); {@code Net.load} makes a net
   * of it.
   */
  public static TrainableTree load(java.nio.file.Path file, Layer tree) {
    try (SafetensorsReader reader = Safetensors.open(file)) {
      checkVersion(file, reader.metadata());
      Map<Path, List<String>> names = new LinkedHashMap<>();
      for (Path p : Tree.paths(tree)) {
        names.put(p, distinct(p.toString(), ModuleNames.dotted(p)));
      }
      String hint = hasWrapper(tree) ? "if the file was saved before adapters were added, load"
          + " it with net.loadBase(file) (Checkpoints.loadBase) onto the adapted net" : "";
      Map<Path, String> keys = KeyMatch.match(file, reader.keys(), names, hint);
      Layer out = readInto(reader, tree, keys);
      Set<Path> trainable = trainable(file, reader.metadata(), out);
      return Trainable.of(out, trainable == null ? Tree.paths(out) : List.copyOf(trainable));
    }
  }

  /**
   * {@code tree} with its base weights replaced from {@code file}, a checkpoint of the model before
   * adapters were added: the key {@code layers.0.weight} (or {@code layers/0/weight}) fills the
   * leaf {@code layers/0/base/weight} of an adapted tree (the d9d rename; see {@link
   * ModuleNames}); PEFT's {@code layers.0.base_layer.weight} and the adapted tree's own names are
   * accepted too. Every leaf outside the adapters' own tensors must be in the file, and nothing
   * else; adapter tensors, frozen adapter factors and trainability are kept.
   *
   * <p>Adapters whose state was derived from the base weight ({@link BaseDerived}) say what
   * happens: DoRA keeps its magnitude and takes its direction from the new base; LoRA-XS, while
   * its {@code R} is zero, recomputes its frozen factors from the new weight; PiSSA and MiLoRA
   * refuse (their trainable factors hold part of the old weight), as does a trained LoRA-XS, with
   * the reason. Load the base into the plain model first ({@link #load}), then add those
   * adapters. ({@code Net.loadBase} also refuses a net whose adapters are merged or disabled:
   * its parked adapters keep the old base.)
   */
  public static Layer loadBase(Layer tree, java.nio.file.Path file) {
    Map<Path, LoraWrapper> wrappers = AdaptedLayers.of(tree);
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      if (e.getValue() instanceof BaseDerived d) {
        try {
          d.checkNewBase();
        } catch (IllegalStateException refused) {
          throw new CheckpointException(file, null, "cannot load a base under the "
              + d.getClass().getSimpleName() + " at '" + e.getKey() + "': "
              + refused.getMessage(), refused);
        }
      }
    }
    Map<Path, List<String>> names = new LinkedHashMap<>();
    for (Path p : Tree.paths(tree)) {
      if (isBaseLeaf(p, wrappers)) {
        Path plain = ModuleNames.withoutBase(tree, p);
        names.put(p, distinct(plain.toString(), ModuleNames.dotted(plain),
            ModuleNames.peftName(tree, p), p.toString(), ModuleNames.dotted(p)));
      }
    }
    try (SafetensorsReader reader = Safetensors.open(file)) {
      checkVersion(file, reader.metadata());
      Map<Path, String> keys = KeyMatch.match(file, reader.keys(), names, "");
      Layer loaded = readInto(reader, tree, keys);
      for (Path p : wrappers.keySet()) {
        if (Tree.get(loaded, p) instanceof BaseDerived d) {
          loaded = p.depth() == 0 ? d.withNewBase() : Tree.set(loaded, p, d.withNewBase());
        }
      }
      return loaded;
    }
  }

  /** Leaves outside every wrapper, or under a wrapper's base component. */
  private static boolean isBaseLeaf(Path leaf, Map<Path, LoraWrapper> wrappers) {
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      Path w = e.getKey();
      if (leaf.startsWith(w)) {
        return leaf.depth() > w.depth()
            && leaf.segment(w.depth()).equals(ModuleNames.baseComponent(e.getValue()));
      }
    }
    return true;
  }

  /**
   * {@code tree} with the leaves of {@code keys} read from {@code reader}: all headers checked
   * first, then all tensors read, then one rebuild.
   */
  static Layer readInto(SafetensorsReader reader, Layer tree, Map<Path, String> keys) {
    Map<Path, Tensor> old = Tree.leavesByPath(tree);
    for (Map.Entry<Path, String> e : keys.entrySet()) {
      TensorReads.checkInfo(reader, e.getValue(), old.get(e.getKey()).shape(),
          "leaf '" + e.getKey() + "'");
    }
    Map<Path, Tensor> loaded = new LinkedHashMap<>();
    Map<Tensor, Tensor> sharing = new IdentityHashMap<>();
    for (Map.Entry<Path, String> e : keys.entrySet()) {
      Tensor original = old.get(e.getKey());
      Tensor t = reader.tensor(e.getValue());
      Tensor first = sharing.get(original);
      if (first != null && first.equals(t)) {
        t = first;
      } else {
        sharing.putIfAbsent(original, t);
      }
      loaded.put(e.getKey(), t);
    }
    return combine(reader.file(), tree, loaded);
  }

  /** {@link Tree#combine}, its refusals (a layer rejecting its new leaves) made checkpoint errors. */
  static Layer combine(java.nio.file.Path file, Layer tree, Map<Path, Tensor> leaves) {
    try {
      return Tree.combine(tree, leaves);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(file, null, "the loaded tensors do not form a valid tree: "
          + e.getMessage(), e);
    }
  }

  private static void checkVersion(java.nio.file.Path file, Map<String, String> meta) {
    String v = meta.get(VERSION_KEY);
    if (v != null && !v.equals(Integer.toString(FORMAT_VERSION))) {
      throw new CheckpointException(file, SafetensorsException.METADATA_KEY, VERSION_KEY + " is '"
          + v + "'; this Graft reads version " + FORMAT_VERSION);
    }
  }

  /** The trainable paths the metadata names (each a leaf of {@code tree}), or null if absent. */
  private static Set<Path> trainable(java.nio.file.Path file, Map<String, String> meta,
      Layer tree) {
    String text = meta.get(TRAINABLE_KEY);
    if (text == null) {
      return null;
    }
    JsonNode node = JsonFiles.parse(file, TRAINABLE_KEY, text);
    if (!node.isArray()) {
      throw new CheckpointException(file, SafetensorsException.METADATA_KEY, TRAINABLE_KEY
          + " is not a JSON array of leaf paths but " + node.getNodeType());
    }
    Set<Path> leaves = new LinkedHashSet<>(Tree.paths(tree));
    Set<Path> out = new LinkedHashSet<>();
    for (JsonNode n : node) {
      if (!n.isTextual()) {
        throw new CheckpointException(file, SafetensorsException.METADATA_KEY, TRAINABLE_KEY
            + " holds " + SafetensorsException.shown(n) + ", not a leaf path string");
      }
      Path p;
      try {
        p = Path.of(n.textValue());
      } catch (IllegalArgumentException e) {
        throw new CheckpointException(file, SafetensorsException.METADATA_KEY, TRAINABLE_KEY
            + " holds '" + SafetensorsException.shown(n.textValue()) + "', not a path", e);
      }
      if (!leaves.contains(p)) {
        throw new CheckpointException(file, SafetensorsException.METADATA_KEY, TRAINABLE_KEY
            + " names '" + SafetensorsException.shown(p) + "', which is not a leaf of the tree");
      }
      out.add(p);
    }
    return out;
  }

  private static boolean hasWrapper(Layer tree) {
    return !Tree.nodes(tree, LoraWrapper.class).isEmpty();
  }

  private static List<String> distinct(String... names) {
    return List.copyOf(new LinkedHashSet<>(List.of(names)));
  }
}
