package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;

/** SiLU (swish), {@code x·sigmoid(x)} as a layer, for {@link Sequential}; no parameters. */
public record Silu() implements Layer {
  /** {@code x·sigmoid(x)}, elementwise. */
  @Override
  public Tensor apply(Tensor x) {
    return x.times(x.sigmoid());
  }
}
