package dev.graft.dsl.tree;

import dev.graft.runtime.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tree split by a {@link Mask}: the leaves the mask selected, by path and in tree order, and the
 * tree to put them back into — typically the trainable leaves and the frozen rest.
 *
 * <p>Equinox returns two trees with {@code None} holes. Java records cannot hold a hole in a
 * non-null {@code Tensor} component, and layers validate shapes when built, so a placeholder leaf
 * would be refused. Instead {@code tree} is the whole, valid tree (its selected positions still
 * hold the original leaves, which act as defaults) and {@code selected} carries the chosen leaves;
 * {@link #combine(Map)} puts new values for them back in one pass.
 *
 * @param tree the tree the partition came from
 * @param selected the selected leaves by path, in tree order (unmodifiable)
 */
public record Partition<T extends Layer>(T tree, Map<Path, Tensor> selected) {
  /** Copies {@code selected} into an unmodifiable map keeping its order. */
  public Partition {
    selected = Collections.unmodifiableMap(new LinkedHashMap<>(selected));
  }

  /** The leaves the mask did not select, by path, in tree order. */
  public Map<Path, Tensor> rest() {
    Map<Path, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<Path, Tensor> e : Tree.leavesByPath(tree).entrySet()) {
      if (!selected.containsKey(e.getKey())) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** The tree with the selected leaves as they are: the original tree, the same object. */
  public T combine() {
    return Tree.combine(tree, selected);
  }

  /**
   * The tree with new values for (some of) the selected leaves; every other leaf is shared. A path
   * the mask did not select is an error naming it.
   */
  public T combine(Map<Path, Tensor> newSelected) {
    for (Path p : newSelected.keySet()) {
      if (!selected.containsKey(p)) {
        throw new IllegalArgumentException("Partition.combine: '" + p
            + "' was not selected by the mask; selected paths are " + selected.keySet());
      }
    }
    return Tree.combine(tree, newSelected);
  }
}
