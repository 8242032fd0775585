package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * A layer that maps each input row through its group's matrix: {@link GroupedLinear}, and the
 * adapters that wrap one ({@code LoRAGroupedLinear}). A model declares such a child as {@link
 * Layer} (so an adapter can take its place) and calls it through this interface: {@code
 * ((GroupedLayer) experts).apply(x, groups)}, which works before and after {@code lora}, {@code
 * merge} or {@code disableAdapters}.
 */
public interface GroupedLayer extends Layer {
  /** Row {@code r} of {@code x (..., in)} through group {@code groups[r]}. */
  Tensor apply(Tensor x, int[] groups);

  /**
   * As {@link #apply(Tensor, int[])}, with {@code key} for the randomness of a training forward
   * (an adapter's input dropout); null for inference. A model that trains with dropout passes the
   * key of its own {@code apply(x, key)} on. The default ignores the key.
   */
  default Tensor apply(Tensor x, int[] groups, @Nullable Key key) {
    return apply(x, groups);
  }
}
