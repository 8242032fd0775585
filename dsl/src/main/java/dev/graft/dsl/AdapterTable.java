package dev.graft.dsl;

import dev.graft.dsl.tree.Layer;

import dev.graft.dsl.lora.AdapterSet;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.lora.MiLoRAAdapter;
import dev.graft.dsl.lora.PiSSAAdapter;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The named adapters of a net read out of its tree, edited as plain data and written back: the
 * two forms a net's tree takes are the lone {@code "default"} adapter, active, as bare wrappers
 * at the layer paths (exactly what {@code lora(...)} has always built), and {@link AdapterSet}
 * nodes for everything else. {@link #write} picks the form, so a net whose only adapter is an
 * active {@code "default"} looks exactly as before.
 */
final class AdapterTable {
  /** One adapted layer: its original base (null when unknown) and its adapters by name. */
  static final class Site {
    final @Nullable Layer base;
    final LinkedHashMap<String, LoraWrapper> adapters = new LinkedHashMap<>();

    Site(@Nullable Layer base) {
      this.base = base;
    }
  }

  final List<String> names;
  final List<String> active;
  final LinkedHashMap<Path, Site> layers;

  private AdapterTable(List<String> names, List<String> active,
      LinkedHashMap<Path, Site> layers) {
    this.names = names;
    this.active = active;
    this.layers = layers;
  }

  /** Reads the adapters of {@code net}, which must not be merged or disabled. */
  static AdapterTable read(Net net, String op) {
    if (net.isMerged() || net.isDisabled()) {
      throw new IllegalStateException(op + ": adapters are " + (net.isMerged()
          ? "merged; call unmerge() first" : "disabled; call enableAdapters() first"));
    }
    Map<Path, LoraWrapper> wrappers = net.adapters();
    LinkedHashMap<Path, Site> layers = new LinkedHashMap<>();
    List<String> names = null;
    List<String> active = null;
    boolean bare = false;
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      if (e.getValue() instanceof AdapterSet s) {
        if (names == null) {
          names = s.names();
          active = s.active();
        } else if (!names.equals(s.names()) || !active.equals(s.active())) {
          throw new IllegalStateException(op + ": the adapter sets disagree: '" + e.getKey()
              + "' has names " + s.names() + " and active " + s.active() + ", another layer "
              + names + " and " + active + " (was a set replaced by hand?)");
        }
        Site l = new Site(s.base());
        l.adapters.putAll(s.adapters());
        layers.put(e.getKey(), l);
      } else {
        bare = true;
        Site l = new Site(residual(e.getValue()) ? null : e.getValue().base());
        l.adapters.put(AdapterSet.DEFAULT, e.getValue());
        layers.put(e.getKey(), l);
      }
    }
    if (bare && names != null) {
      throw new IllegalStateException(op + ": the tree holds both adapter sets and bare adapters"
          + " outside them; add adapters through Net.lora so they join the sets");
    }
    if (names == null) {
      names = bare ? List.of(AdapterSet.DEFAULT) : List.of();
      active = names;
    }
    return new AdapterTable(new ArrayList<>(names), new ArrayList<>(active), layers);
  }

  /** Whether {@code w}'s base is an SVD residual rather than the layer it was built on. */
  static boolean residual(LoraWrapper w) {
    return w instanceof PiSSAAdapter || w instanceof MiLoRAAdapter;
  }

  /** The original base of {@code layer}, or a clear error when the tree has lost it. */
  static Layer base(String op, Path path, Site layer) {
    if (layer.base == null) {
      LoraWrapper w = layer.adapters.values().iterator().next();
      throw new IllegalStateException(op + ": layer '" + path + "' holds a "
          + w.getClass().getSimpleName() + " as its unnamed adapter, whose base is the residual of"
          + " an SVD split; the original weights are not in the tree, so no other adapter can"
          + " share them. Add it under a name instead (lora(\"name\", spec)), which keeps the"
          + " original layer");
    }
    return layer.base;
  }

  /**
   * Whether this state is written as bare wrappers: only an active "default", and no layer whose
   * adapter's base is an SVD residual while the original is known (the bare form would lose it).
   */
  boolean bare() {
    if (!names.equals(List.of(AdapterSet.DEFAULT)) || !active.equals(names)) {
      return false;
    }
    for (Site l : layers.values()) {
      for (LoraWrapper w : l.adapters.values()) {
        if (l.base != null && residual(w)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The net's tree with every adapted layer replaced by its original base. */
  Layer plain(String op, Layer tree) {
    Layer out = tree;
    for (Map.Entry<Path, Site> e : layers.entrySet()) {
      out = Tree.set(out, e.getKey(), base(op, e.getKey(), e.getValue()));
    }
    return out;
  }

  /**
   * A net holding this state over {@code net}'s tree: the tree rebuilt in the right form and the
   * trainable set following the active adapters (their fields train, inactive adapters' and
   * wrapped bases' leaves are frozen; leaves outside the adapted layers, and the bases' own
   * leaves, keep their state). Layers left with no adapter become their plain base.
   */
  Net write(Net net, String op, boolean keepSelection) {
    Layer tree = net.module();
    Set<Path> before = net.trainableSet();
    Set<Path> trainable = new LinkedHashSet<>();
    Map<Path, LoraWrapper> old = net.adapters();
    for (Path p : before) {
      Path layer = enclosing(old.keySet(), p);
      Path now = enclosing(layers.keySet(), p);
      if (layer == null && now == null) {
        trainable.add(p); // outside every adapted layer
      } else if (layer != null && p.startsWith(layer.child("base"))) {
        // the base's own leaf: at the same path in both forms, at the layer's once plain again
        Site l = layers.get(layer);
        boolean plainAgain = l == null || l.adapters.isEmpty();
        trainable.add(plainAgain ? layer.resolve(Path.of(p.segments().subList(layer.depth() + 1,
            p.depth()))) : p);
      }
      // else: a newly wrapped layer's leaf (frozen, as lora does) or an adapter's (set below)
    }
    boolean bare = bare();
    for (Map.Entry<Path, Site> e : layers.entrySet()) {
      Path path = e.getKey();
      Site l = e.getValue();
      Object node;
      if (l.adapters.isEmpty()) {
        node = base(op, path, l);
      } else if (bare) {
        node = l.adapters.get(AdapterSet.DEFAULT);
      } else {
        node = new AdapterSet(base(op, path, l), l.adapters, active, names);
      }
      tree = Tree.set(tree, path, node);
      if (l.adapters.isEmpty()) {
        continue;
      }
      for (String name : active) {
        LoraWrapper w = l.adapters.get(name);
        if (w == null) {
          continue;
        }
        Path at = bare ? path : path.child("adapters").child(name);
        for (String field : w.adapterFields()) {
          trainable.add(at.child(field));
        }
      }
    }
    Net out = net.withAdapters(tree, trainable);
    return !keepSelection || net.selection() == null ? out : out.mask(net.selection());
  }

  private static @Nullable Path enclosing(Set<Path> layers, Path p) {
    for (Path l : layers) {
      if (p.startsWith(l)) {
        return l;
      }
    }
    return null;
  }

  /** Rejects a name that is not one of the net's adapters, listing them. */
  void requireKnown(String op, String name) {
    if (!names.contains(name)) {
      throw new IllegalArgumentException(op + ": no adapter named '" + name + "'; the net has "
          + (names.isEmpty() ? "none" : names));
    }
  }
}
