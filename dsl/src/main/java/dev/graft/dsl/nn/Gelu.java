package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;

/**
 * The exact GELU {@code x·Φ(x)} (PyTorch's default, not the tanh approximation) as a layer, for
 * {@link Sequential}; no parameters.
 */
public record Gelu() implements Layer {
  /** {@code x·Φ(x)}, elementwise. */
  @Override
  public Tensor apply(Tensor x) {
    return x.gelu();
  }
}
