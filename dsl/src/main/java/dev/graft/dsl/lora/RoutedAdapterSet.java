package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import dev.graft.dsl.nn.GroupedLayer;
import org.jspecify.annotations.Nullable;

/**
 * An {@link AdapterSet} with a fixed row assignment, for serving a mixed batch in one forward
 * pass ({@code Net.apply(x, adapterPerRow)}, PEFT's {@code adapter_names=}): row {@code i} of the
 * input (axis 0) goes through the adapter named {@code rows.get(i)} alone, or through the base for
 * {@value AdapterSet#BASE} and for a name this layer does not hold. The rows of each adapter are
 * gathered, passed through that adapter in one call, and put back in their places, so each row
 * equals what activating its adapter alone gives. The model must keep the batch on axis 0 and
 * treat rows independently, as PEFT requires too.
 *
 * @param set the layer's adapters
 * @param rows the adapter name of each row of the batch
 */
record RoutedAdapterSet(AdapterSet set, List<String> rows) implements GroupedLayer {
  /** Copies the rows. */
  public RoutedAdapterSet {
    rows = List.copyOf(rows);
  }

  @Override
  public Tensor apply(Tensor x) {
    return apply(x, (Key) null);
  }

  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    return route(x, (layer, idx) -> layer.apply(idx == null ? x : x.take(idx), key));
  }

  /** On a grouped base: each row through its adapter and its group ({@code groups[row]}). */
  @Override
  public Tensor apply(Tensor x, int[] groups) {
    return apply(x, groups, null);
  }

  @Override
  public Tensor apply(Tensor x, int[] groups, @Nullable Key key) {
    return route(x, (layer, idx) -> {
      GroupedLayer g = AdapterSet.grouped(layer, set.base());
      if (idx == null) {
        return g.apply(x, groups, key);
      }
      int[] picked = new int[idx.length];
      for (int j = 0; j < idx.length; j++) {
        picked[j] = groups[idx[j]];
      }
      return g.apply(x.take(idx), picked, key);
    });
  }

  /**
   * The rows of each adapter (the indices {@code idx}, or null for all rows) through {@code
   * through(layer, idx)}, put back in their places.
   */
  private Tensor route(Tensor x, BiFunction<Layer, int @Nullable [], Tensor> through) {
    if (x.ndim() == 0 || x.dim(0) != rows.size()) {
      throw new IllegalArgumentException("apply(x, adapterPerRow): a layer adapted by "
          + set.adapters().keySet() + " got an input of shape "
          + dev.graft.runtime.Shapes.format(x.shape()) + " for a batch of " + rows.size()
          + " rows; the model must keep the batch on axis 0");
    }
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      String name = set.adapters().containsKey(rows.get(i)) ? rows.get(i) : AdapterSet.BASE;
      groups.computeIfAbsent(name, k -> new ArrayList<>()).add(i);
    }
    if (groups.size() == 1) {
      return through.apply(through(groups.keySet().iterator().next()), null);
    }
    List<Tensor> parts = new ArrayList<>();
    int[] inverse = new int[rows.size()];
    int at = 0;
    for (Map.Entry<String, List<Integer>> g : groups.entrySet()) {
      int[] idx = new int[g.getValue().size()];
      for (int j = 0; j < idx.length; j++) {
        idx[j] = g.getValue().get(j);
        inverse[idx[j]] = at++;
      }
      parts.add(through.apply(through(g.getKey()), idx));
    }
    return Tensor.concat(parts, 0).take(inverse);
  }

  private Layer through(String name) {
    return name.equals(AdapterSet.BASE) ? set.base() : set.adapters().get(name);
  }
}
