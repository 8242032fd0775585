package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;

/** The hyperbolic tangent as a layer, for {@link Sequential}; no parameters. */
public record Tanh() implements Layer {
  /** {@code tanh(x)}, elementwise. */
  @Override
  public Tensor apply(Tensor x) {
    return x.tanh();
  }
}
