package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;

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
}
