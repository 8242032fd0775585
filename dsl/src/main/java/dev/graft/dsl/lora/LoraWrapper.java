package dev.graft.dsl.lora;

import dev.graft.dsl.Module;
import java.util.List;

/**
 * An adapter grafted onto a base layer: the extension point every zoo class implements, and the
 * one a user's own adapter implements too. A wrapper is a {@link Module} (usually a record) whose
 * components are its base layer, its adapter tensors and static configuration.
 *
 * <p>Contract, property-tested for every zoo class:
 *
 * <ul>
 *   <li>{@link #apply} right after construction equals the base's output (PiSSA and MiLoRA by
 *       moving part of the weight into the adapter);
 *   <li>{@link #merge()} returns a plain layer of the base's type with outputs equal to this
 *       wrapper's;
 *   <li>{@link #adapterFields()} names the record components that are trainable; every other
 *       leaf of the wrapper (the base's weights, frozen factors) stays frozen.
 * </ul>
 */
public interface LoraWrapper extends Module {
  /** The wrapped layer as the adapter sees it (for PiSSA/MiLoRA, the residual layer). */
  Module base();

  /** A plain layer of the base's type whose outputs equal this wrapper's. */
  Module merge();

  /**
   * Names of this wrapper's own {@code Tensor} components that are trainable (for example {@code
   * loraA}, {@code loraB}); each is a leaf at {@code <layer path>/<name>}.
   */
  List<String> adapterFields();
}
