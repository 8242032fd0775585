package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.dsl.nn.GroupedLayer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One layer holding several named adapters over one frozen base: the node {@code Net.lora(name,
 * ...)} puts where a layer is adapted by more than the lone {@code "default"} adapter. Each
 * adapter is an ordinary zoo wrapper around the same base (shared by reference; PiSSA's and
 * MiLoRA's around their residual), so a set costs the base once plus each adapter's own tensors.
 *
 * <p>The forward adds the contributions of the {@link #active()} adapters this layer holds: with
 * none, the base; with one, exactly that wrapper's output; with several, {@code base(x) + Σ
 * (wrapperᵢ(x) − base(x))} (the low-rank family's delta is computed from its factors, without a
 * second pass through the base). {@link #merge()} folds the same sum into a plain layer.
 *
 * <p>{@link #names()} and {@link #active()} are the net's: every set of one net carries the same
 * two lists, so the net's adapter names (in the order they were added) and its active set are
 * values of the tree, and switching adapters is a new tree that shares every tensor.
 *
 * @param base the original layer
 * @param adapters this layer's adapters by name, in the order they were added
 * @param active the names of the net's active adapters (some may not adapt this layer)
 * @param names every adapter name of the net, in the order they were added
 */
public record AdapterSet(Layer base, Map<String, LoraWrapper> adapters, List<String> active,
    List<String> names) implements LoraWrapper, GroupedLayer {

  /** The row label of {@code Net.apply(x, adapterPerRow)} that means "no adapter". */
  public static final String BASE = "__base__";

  /** The name the unnamed {@code Net.lora(...)} forms give their adapter. */
  public static final String DEFAULT = "default";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  /** Validates the lists and copies them (the map keeps its order). */
  public AdapterSet {
    if (base instanceof LoraWrapper) {
      throw new IllegalArgumentException("AdapterSet: the base is itself an adapter ("
          + base.getClass().getSimpleName() + ")");
    }
    adapters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(adapters));
    active = List.copyOf(active);
    names = List.copyOf(names);
    if (new java.util.HashSet<>(names).size() != names.size()
        || new java.util.HashSet<>(active).size() != active.size()) {
      throw new IllegalArgumentException("AdapterSet: a name appears twice in names " + names
          + " or active " + active);
    }
    for (String n : adapters.keySet()) {
      if (!names.contains(n)) {
        throw new IllegalArgumentException("AdapterSet: adapter '" + n + "' is not among the"
            + " names " + names);
      }
    }
    for (String n : active) {
      if (!names.contains(n)) {
        throw new IllegalArgumentException("AdapterSet: active adapter '" + n
            + "' is not among the names " + names);
      }
    }
  }

  /**
   * Rejects a name that cannot name an adapter: empty, with characters other than letters,
   * digits, {@code _ . -} (it becomes a path segment and a directory name), {@code .} or {@code
   * ..}, or {@value #BASE}.
   */
  public static void checkName(String op, String name) {
    if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")
        || name.equals(BASE)) {
      throw new IllegalArgumentException(op + ": '" + name + "' cannot name an adapter: use"
          + " letters, digits, '_', '.' and '-' (not '.' or '..' alone, not '" + BASE + "')");
    }
  }

  /** The adapters of this layer that act, in the order of {@link #active()}. */
  public List<LoraWrapper> acting() {
    List<LoraWrapper> out = new ArrayList<>();
    for (String n : active) {
      LoraWrapper w = adapters.get(n);
      if (w != null) {
        out.add(w);
      }
    }
    return out;
  }

  @Override
  public Tensor apply(Tensor x) {
    return apply(x, (Key) null);
  }

  /**
   * On a grouped base (a GroupedLinear), row {@code r} of {@code x} through group {@code
   * groups[r]}: the same sum as {@link #apply(Tensor, Key)}, each layer called with the groups.
   */
  @Override
  public Tensor apply(Tensor x, int[] groups) {
    return apply(x, groups, null);
  }

  /** As {@link #apply(Tensor, int[])}, with the adapters' input dropout drawn from {@code key}. */
  @Override
  public Tensor apply(Tensor x, int[] groups, @Nullable Key key) {
    List<LoraWrapper> on = acting();
    if (on.size() == 1) {
      return grouped(on.get(0)).apply(x, groups, key);
    }
    Tensor b = grouped(base).apply(x, groups, key);
    Tensor y = b;
    for (LoraWrapper w : on) {
      y = y.plus(grouped(w).apply(x, groups, key).minus(b));
    }
    return y;
  }

  /** {@code layer} as a grouped layer, refused (naming the base) when it is not one. */
  static GroupedLayer grouped(Layer layer, Layer base) {
    if (layer instanceof GroupedLayer g) {
      return g;
    }
    throw new UnsupportedOperationException("the adapters on a " + base.getClass()
        .getSimpleName() + " take no group indices: its base is not a GroupedLinear; call"
        + " apply(x)");
  }

  private GroupedLayer grouped(Layer layer) {
    return grouped(layer, base);
  }

  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    List<LoraWrapper> on = acting();
    if (on.isEmpty()) {
      return base.apply(x, key);
    }
    if (on.size() == 1) {
      return on.get(0).apply(x, key);
    }
    Tensor b = base.apply(x, key);
    Tensor y = b;
    for (LoraWrapper w : on) {
      y = y.plus(delta(w, x, b, key));
    }
    return y;
  }

  /** {@code w(x) − base(x)}; from the factors alone for the low-rank family on this base. */
  private Tensor delta(LoraWrapper w, Tensor x, Tensor b, @Nullable Key key) {
    if (w instanceof LowRankAdapter l && l.base() == base && base instanceof Linear) {
      return LowRank.delta(AdapterDropout.apply(x, l.dropout(), key), l.loraA(), l.loraB(),
          l.scale());
    }
    return w.apply(x, key).minus(b);
  }

  /**
   * A plain layer of the base's type: the base with no adapter acting, the adapter's own merge
   * with one, and {@code base + Σ (mergedᵢ − base)} leaf by leaf with several.
   */
  @Override
  public Layer merge() {
    List<LoraWrapper> on = acting();
    if (on.isEmpty()) {
      return base;
    }
    if (on.size() == 1) {
      return on.get(0).merge();
    }
    List<Layer> merged = new ArrayList<>();
    for (LoraWrapper w : on) {
      merged.add(w.merge());
    }
    return Tree.mapWithPath(base, (Path p, Tensor t) -> {
      Tensor sum = t;
      for (int i = 0; i < merged.size(); i++) {
        Object m = Tree.get(merged.get(i), p);
        if (!(m instanceof Tensor mt) || !java.util.Arrays.equals(mt.shape(), t.shape())) {
          throw new IllegalStateException("AdapterSet.merge: " + on.get(i).getClass()
              .getSimpleName() + " merges into a layer without a leaf of shape "
              + dev.graft.runtime.Shapes.format(t.shape()) + " at '" + p + "'");
        }
        if (mt != t) {
          sum = sum.plus(mt.minus(t));
        }
      }
      return sum;
    });
  }

  /** None of its own: each adapter's fields train under {@code adapters/<name>/}. */
  @Override
  public List<String> adapterFields() {
    return List.of();
  }

  /** This set with another active list (the net's). */
  public AdapterSet withActive(List<String> newActive) {
    return new AdapterSet(base, adapters, newActive, names);
  }

  /**
   * A node sending row {@code i} of its input through the adapter named {@code rows.get(i)}
   * (the base for {@value #BASE} or for a name this layer does not hold); see {@link
   * RoutedAdapterSet}.
   */
  public Layer routed(List<String> rows) {
    return new RoutedAdapterSet(this, rows);
  }
}
