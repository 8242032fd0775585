package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;

/** The logistic sigmoid as a layer, for {@link Sequential}; no parameters. */
public record Sigmoid() implements Layer {
  /** {@code 1 / (1 + e^-x)}, elementwise. */
  @Override
  public Tensor apply(Tensor x) {
    return x.sigmoid();
  }
}
