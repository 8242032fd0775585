package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * An adapter grafted onto a base layer: the extension point every zoo class implements, and the
 * one a user's own adapter implements too. A wrapper is a {@link Layer} (usually a record) whose
 * components are its base layer, its adapter tensors and static configuration.
 *
 * <p>A wrapper is immutable and always the unmerged, enabled adapter: {@link #merge()} gives the
 * merged layer and {@link #base()} the disabled one. A {@code Net} keeps the state of each layer
 * ({@code merge}, {@code unmerge}, {@code disableAdapters}, {@code enableAdapters} and {@code
 * adapterState}, for every layer or those a mask selects).
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
public interface LoraWrapper extends Layer {
  /** The wrapped layer as the adapter sees it (for PiSSA/MiLoRA, the residual layer). */
  Layer base();

  /** A plain layer of the base's type whose outputs equal this wrapper's. */
  Layer merge();

  /**
   * Names of this wrapper's own {@code Tensor} components that are trainable (for example {@code
   * loraA}, {@code loraB}); each is a leaf at {@code <layer path>/<name>}.
   */
  List<String> adapterFields();

  /**
   * The adapter's own trainable parameters: the sizes of its {@link #adapterFields()} (kizzasi's
   * per-layer {@code trainable_params}).
   */
  default long trainableCount() {
    long n = 0;
    for (String f : adapterFields()) {
      n += Tree.leaf(this, Path.of(f)).size();
    }
    return n;
  }

  /** Every parameter of the layer, base included; a tensor held twice counts once. */
  default long totalCount() {
    long n = 0;
    Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Tensor t : Tree.leaves(this)) {
      n += seen.add(t) ? t.size() : 0;
    }
    return n;
  }
}
