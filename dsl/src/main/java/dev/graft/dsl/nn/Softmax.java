package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;

/**
 * Softmax along one axis as a layer, for {@link Sequential}; no parameters.
 *
 * @param axis the axis that sums to one (negative counts from the end)
 */
public record Softmax(int axis) implements Layer {
  /** Softmax along the last axis. */
  public Softmax() {
    this(-1);
  }

  /** {@code exp(x) / sum(exp(x))} along {@link #axis()}. */
  @Override
  public Tensor apply(Tensor x) {
    return x.softmax(axis);
  }
}
