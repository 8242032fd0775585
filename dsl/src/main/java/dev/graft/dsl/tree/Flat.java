package dev.graft.dsl.tree;

import dev.graft.runtime.Tensor;
import java.util.List;

/**
 * A flattened tree: its leaves in tree order and the {@link TreeDef structure} that puts a list of
 * leaves back into the same shape of tree ({@link Tree#flatten}, {@link Tree#unflatten}).
 *
 * @param leaves the leaves in tree order (unmodifiable)
 * @param structure everything but the leaves
 */
public record Flat<T extends Layer>(List<Tensor> leaves, TreeDef<T> structure) {
  /** Copies {@code leaves} into an immutable list. */
  public Flat {
    leaves = List.copyOf(leaves);
  }

  /** The tree rebuilt from these leaves. */
  public T unflatten() {
    return structure.unflatten(leaves);
  }
}
