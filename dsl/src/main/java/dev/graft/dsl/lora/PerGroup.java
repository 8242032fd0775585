package dev.graft.dsl.lora;

import dev.graft.dsl.nn.GroupedLinear;
import dev.graft.dsl.nn.GroupedRows;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.tree.Records;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A zoo adapter on a {@link GroupedLinear}, group by group: the same record class as on a Linear,
 * whose base is the grouped layer and whose tensor fields hold one slice per group along a leading
 * axis (all but the fields its kind shares across layers, VeRA's projections). Group {@code g}'s
 * adapter is that record with group {@code g} as a Linear for base and slice {@code g} of each
 * field ({@link #slice}); it is built, run, merged and rebased as on a Linear, and the groups'
 * results are stacked again. So every adapter's math is written once, for one matrix.
 */
final class PerGroup {
  private PerGroup() {}

  /** Whether {@code base} is a grouped layer. */
  static boolean grouped(Layer base) {
    return base instanceof GroupedLinear;
  }

  /**
   * {@code one(base, config)}; on a GroupedLinear, {@code one} for each group's Linear with its own
   * key ({@code config}'s split), stacked into one adapter. {@code config} may be null for an
   * adapter that takes none.
   */
  static <T extends ZooAdapter> T ofEach(AdapterKind kind, Layer base,
      @Nullable AdapterConfig config, BiFunction<Layer, @Nullable AdapterConfig, T> one) {
    if (!(base instanceof GroupedLinear g)) {
      return one.apply(base, config);
    }
    Key[] keys = config == null ? null : config.key().split(g.numGroups());
    List<Linear> given = new ArrayList<>();
    List<T> parts = new ArrayList<>();
    for (int k = 0; k < g.numGroups(); k++) {
      AdapterConfig c = config == null ? null
          : new AdapterConfig(config.rank(), config.alpha(), config.dropout(), keys[k]);
      given.add(g.group(k));
      parts.add(one.apply(given.get(k), c));
    }
    return stack(kind, parts, g, given);
  }

  /** Group {@code k}'s adapter: group {@code k}'s Linear for base, slice {@code k} of each field. */
  static <T extends ZooAdapter> T slice(T adapter, int k) {
    return slice(adapter, k, ((GroupedLinear) adapter.base()).group(k));
  }

  private static <T extends ZooAdapter> T slice(T adapter, int k, Linear group) {
    List<String> shared = adapter.kind().shared();
    Map<String, Object> parts = new HashMap<>();
    for (Map.Entry<String, Object> e : Records.children(adapter).entrySet()) {
      if (e.getKey().equals("base")) {
        parts.put("base", group);
      } else if (e.getValue() instanceof Tensor t && !shared.contains(e.getKey())) {
        parts.put(e.getKey(), t.get(k));
      }
    }
    @SuppressWarnings("unchecked")
    T one = (T) Records.rebuild(adapter, parts);
    return one;
  }

  /**
   * The groups' adapters as one, their fields stacked. Their bases: {@code original} when each is
   * still the group's Linear it was {@code given}, else (a residual) those Linears stacked.
   */
  private static <T extends ZooAdapter> T stack(AdapterKind kind, List<T> parts,
      GroupedLinear original, List<Linear> given) {
    T first = parts.get(0);
    boolean unchanged = true;
    for (int k = 0; k < parts.size(); k++) {
      unchanged &= parts.get(k).base() == given.get(k);
    }
    Map<String, Object> stacked = new HashMap<>();
    for (Map.Entry<String, Object> e : Records.children(first).entrySet()) {
      String name = e.getKey();
      if (name.equals("base")) {
        stacked.put(name, unchanged ? original
            : grouped(kind, parts.stream().map(p -> p.base()).toList()));
      } else if (e.getValue() instanceof Tensor && !kind.shared().contains(name)) {
        List<Tensor> slices = new ArrayList<>();
        for (T p : parts) {
          slices.add((Tensor) Records.children(p).get(name));
        }
        stacked.put(name, Tensor.stack(slices, 0));
      }
    }
    @SuppressWarnings("unchecked")
    T all = (T) Records.rebuild(first, stacked);
    return all;
  }

  /** Row {@code r} of {@code x} through group {@code groups[r]}'s adapter. */
  static Tensor apply(ZooAdapter adapter, Tensor x, int[] groups, @Nullable Key key) {
    WeightView view = adapter.view();
    if (!(view instanceof WeightView.OfGrouped v)) {
      throw new UnsupportedOperationException(adapter.kind().name() + " on " + view.describe()
          + " takes no group indices: its base is not a GroupedLinear; call apply(x)");
    }
    return GroupedRows.map(adapter.kind().name() + " on " + v.describe(), x, groups, v.groups(),
        v.in(), v.out(), (k, rows) -> slice(adapter, k).apply(rows,
            key == null ? null : key.foldIn(k)));
  }

  /** Each group's merged Linear, stacked into a GroupedLinear. */
  static Layer merge(ZooAdapter adapter) {
    WeightView.OfGrouped v = (WeightView.OfGrouped) adapter.view();
    List<Layer> merged = new ArrayList<>();
    for (int k = 0; k < v.groups(); k++) {
      merged.add(slice(adapter, k).merge());
    }
    return grouped(adapter.kind(), merged);
  }

  /** {@code f} on each group's adapter, stacked again. */
  static <T extends ZooAdapter> T map(T adapter, UnaryOperator<T> f) {
    GroupedLinear base = (GroupedLinear) adapter.base();
    List<Linear> given = new ArrayList<>();
    List<T> parts = new ArrayList<>();
    for (int k = 0; k < base.numGroups(); k++) {
      given.add(base.group(k));
      parts.add(f.apply(slice(adapter, k, given.get(k))));
    }
    return stack(adapter.kind(), parts, base, given);
  }

  /** Linear layers {@code (out, in)} as one GroupedLinear {@code (G, in, out)}. */
  private static GroupedLinear grouped(AdapterKind kind, List<Layer> layers) {
    List<Tensor> weights = new ArrayList<>();
    List<Tensor> biases = new ArrayList<>();
    for (Layer l : layers) {
      if (!(l instanceof Linear linear)) {
        throw new IllegalStateException(kind.name() + ": a group's layer is a "
            + l.getClass().getSimpleName() + ", not a Linear");
      }
      weights.add(linear.weight());
      if (linear.bias() != null) {
        biases.add(linear.bias());
      }
    }
    return new GroupedLinear(Tensor.stack(weights, 0).transpose(),
        biases.isEmpty() ? null : Tensor.stack(biases, 0));
  }
}
