package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;

/** The rectifier {@code max(x, 0)} as a layer, for {@link Sequential}; no parameters. */
public record Relu() implements Layer {
  /** {@code max(x, 0)}, elementwise. */
  @Override
  public Tensor apply(Tensor x) {
    return x.relu();
  }
}
