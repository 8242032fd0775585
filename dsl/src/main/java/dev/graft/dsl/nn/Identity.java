package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;

/** The identity as a layer (a placeholder, as {@code torch.nn.Identity}); no parameters. */
public record Identity() implements Layer {
  /** {@code x} itself. */
  @Override
  public Tensor apply(Tensor x) {
    return x;
  }
}
