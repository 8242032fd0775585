package dev.graft.dsl;

import dev.graft.dsl.tree.Layer;

import dev.graft.dsl.lora.AdapterConfig;
import dev.graft.dsl.lora.AdapterFactory;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How {@link Net#lora} picks layers and wraps them: selection by mask and target, first matching
 * spec wins, factories prepared once per group, every adapter built before anything is replaced so
 * a failure leaves the caller's net untouched.
 */
final class Grafting {
  private Grafting() {}

  /** One layer chosen for wrapping, with the spec and factory that won it. */
  private record Choice(Path path, Layer layer, int index, int specIndex, LoraSpec spec,
      AdapterFactory factory) {}

  static Net graft(Net net, List<LoraSpec> specs) {
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("lora: no spec given");
    }
    Layer tree = net.module();
    List<Path> layerPaths = adaptableLayers(tree);
    Set<Path> selectedLeaves = net.selection() == null ? null : net.selection().resolve(tree);
    List<Choice> choices = new ArrayList<>();
    for (int i = 0; i < layerPaths.size(); i++) {
      Path path = layerPaths.get(i);
      Layer layer = (Layer) Tree.get(tree, path);
      if (selectedLeaves != null && !anyLeafUnder(selectedLeaves, path)) {
        continue;
      }
      for (int s = 0; s < specs.size(); s++) {
        LoraSpec spec = specs.get(s);
        if (!spec.picks(path)) {
          continue;
        }
        AdapterFactory factory = firstApplying(spec, layer);
        if (factory != null) {
          choices.add(new Choice(path, layer, i, s, spec, factory));
          break;
        }
      }
    }
    if (choices.isEmpty()) {
      throw new IllegalArgumentException(noMatchMessage(tree, layerPaths, specs,
          net.selection() != null));
    }

    // Prepare each (spec, factory) group once, with all of its bases.
    Map<String, List<Choice>> groups = new LinkedHashMap<>();
    for (Choice c : choices) {
      groups.computeIfAbsent(c.specIndex() + "/" + System.identityHashCode(c.factory()),
          k -> new ArrayList<>()).add(c);
    }
    Map<Path, LoraWrapper> built = new LinkedHashMap<>();
    for (List<Choice> group : groups.values()) {
      Choice first = group.get(0);
      Key specKey = Key.of(first.spec().seed());
      List<Layer> bases = new ArrayList<>();
      for (Choice c : group) {
        bases.add(c.layer());
      }
      AdapterFactory bound;
      try {
        bound = first.factory().prepare(List.copyOf(bases), config(first.spec(), specKey));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("lora: " + first.factory().name() + " cannot adapt "
            + pathsOf(group) + ": " + e.getMessage(), e);
      }
      for (Choice c : group) {
        AdapterConfig cfg = config(c.spec(), specKey.foldIn(c.index()));
        try {
          built.put(c.path(), bound.create(c.layer(), cfg));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("lora: layer '" + c.path() + "' ("
              + describe(c.layer()) + "): " + e.getMessage(), e);
        }
      }
    }

    // Replace, then recompute trainability: wrapped bases frozen, adapter fields trainable.
    Layer out = tree;
    Set<Path> trainable = new LinkedHashSet<>(net.trainableSet());
    for (Choice c : choices) {
      LoraWrapper w = built.get(c.path());
      out = put(out, c.path(), w);
      trainable.removeIf(p -> p.startsWith(c.path()));
      for (String field : w.adapterFields()) {
        Path leaf = c.path().child(field);
        if (!(Tree.get(out, leaf) instanceof Tensor)) {
          throw new IllegalArgumentException("lora: " + c.factory().name()
              + " declares adapter field '" + field + "' but '" + leaf + "' is not a tensor leaf");
        }
        trainable.add(leaf);
      }
    }
    return net.withAdapters(out, trainable);
  }

  /**
   * {@code tree} with the node at {@code path} replaced by {@code node}; at the root, {@code node}
   * itself (a net over a bare layer becomes a net over its wrapper, and back).
   */
  static Layer put(Layer tree, Path path, Layer node) {
    return path.equals(Path.root()) ? node : Tree.set(tree, path, node);
  }

  /** Layer nodes that are not wrappers and not inside one, in tree order. */
  static List<Path> adaptableLayers(Layer tree) {
    List<Path> out = new ArrayList<>();
    List<Path> wrappers = new ArrayList<>();
    for (Path p : Tree.nodes(tree)) {
      if (insideAny(wrappers, p)) {
        continue;
      }
      Object node = Tree.get(tree, p);
      if (node instanceof LoraWrapper) {
        wrappers.add(p);
      } else if (node instanceof Layer) {
        out.add(p);
      }
    }
    return out;
  }

  private static boolean insideAny(List<Path> prefixes, Path p) {
    for (Path q : prefixes) {
      if (p.startsWith(q)) {
        return true;
      }
    }
    return false;
  }

  static boolean anyLeafUnder(Set<Path> leaves, Path layer) {
    for (Path p : leaves) {
      if (p.startsWith(layer) && !p.equals(layer)) {
        return true;
      }
    }
    return false;
  }

  private static @Nullable AdapterFactory firstApplying(LoraSpec spec, Layer layer) {
    for (AdapterFactory f : spec.wrappers()) {
      if (f.appliesTo(layer)) {
        return f;
      }
    }
    return null;
  }

  private static AdapterConfig config(LoraSpec spec, Key key) {
    return new AdapterConfig(spec.rank(), spec.alpha(), spec.dropout(), key);
  }

  private static String noMatchMessage(Layer tree, List<Path> layers, List<LoraSpec> specs,
      boolean masked) {
    List<String> could = new ArrayList<>();
    for (Path p : layers) {
      Layer layer = (Layer) Tree.get(tree, p);
      for (LoraSpec spec : specs) {
        if (firstApplying(spec, layer) != null) {
          could.add("'" + p + "' (" + describe(layer) + ")");
          break;
        }
      }
    }
    List<String> targets = new ArrayList<>();
    for (LoraSpec s : specs) {
      String t = s.target().map(r -> "'" + r + "'").orElse("");
      String m = s.targetModules().isEmpty() ? "" : "modules " + s.targetModules();
      targets.add(t.isEmpty() && m.isEmpty() ? "<all>" : t.isEmpty() || m.isEmpty() ? t + m
          : t + " and " + m);
    }
    return "lora: no adaptable layer matched target " + String.join(", ", targets)
        + (masked ? " within the mask" : "") + "; layers the wrappers could adapt: "
        + (could.isEmpty() ? "none" : String.join(", ", could));
  }

  private static String pathsOf(List<Choice> group) {
    List<String> p = new ArrayList<>();
    for (Choice c : group) {
      p.add("'" + c.path() + "'");
    }
    return String.join(", ", p);
  }

  static String describe(Layer layer) {
    StringBuilder sb = new StringBuilder(layer.getClass().getSimpleName());
    try {
      Object w = Tree.get(layer, Path.of("weight"));
      if (w instanceof Tensor t) {
        sb.append(' ').append(dev.graft.runtime.Shapes.format(t.shape()));
      }
    } catch (RuntimeException ignored) {
      // a layer without a weight leaf is described by its type alone
    }
    return sb.toString();
  }
}
