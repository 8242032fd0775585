package dev.graft.dsl.tree;

import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The structure of a tree without its leaf values (JAX's treedef): node kinds, module classes,
 * static configuration and leaf paths. {@link #unflatten} builds the tree with given leaves.
 *
 * <p>It keeps the tree it was made from as a template (layers validate their leaves when built, so
 * the template must stay a valid tree); unflattening replaces every leaf. Two structures are equal
 * when their trees are equal ignoring leaf values.
 */
public final class TreeDef<T extends Layer> {
  private final T template;
  private final List<Path> paths;

  TreeDef(T template, List<Path> paths) {
    this.template = template;
    this.paths = List.copyOf(paths);
  }

  /** The leaf paths, in tree order. */
  public List<Path> paths() {
    return paths;
  }

  /** Number of leaves the structure expects. */
  public int leafCount() {
    return paths.size();
  }

  /**
   * The tree with {@code leaves} in tree order; their number must match. Leaf shapes are not
   * checked here, but the layers' own constructors may refuse a misfit (the error names the
   * path).
   */
  public T unflatten(List<Tensor> leaves) {
    if (leaves.size() != paths.size()) {
      throw new IllegalArgumentException("TreeDef.unflatten: the " + Slot.name(template.getClass())
          + " structure has " + paths.size() + " leaves, got " + leaves.size());
    }
    int[] next = {0};
    Object out = Nodes.transform(template, Path.root(), (p, old) -> {
      Tensor t = leaves.get(next[0]++);
      if (t == null) {
        throw new IllegalArgumentException("TreeDef.unflatten: leaf " + (next[0] - 1) + " (for '"
            + p + "') is null");
      }
      return t;
    }, null, "TreeDef.unflatten");
    @SuppressWarnings("unchecked")
    T tree = (T) out;
    return tree;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof TreeDef<?> d
        && (d.template == template || Nodes.same(template, d.template, (a, b) -> true));
  }

  @Override
  public int hashCode() {
    return Nodes.structureHash(template);
  }

  @Override
  public String toString() {
    return "TreeDef[" + Slot.name(template.getClass()) + ", " + paths.size() + " leaves]";
  }
}
