package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * The adapters whose update is {@code s·B A} on the layer's weight matrix (LoRA, rsLoRA, LoRA-FA,
 * PiSSA, MiLoRA): they differ only in how they initialize and scale, so each record supplies its
 * components and inherits the factored forward and the merge from here. On a conv, {@code A} runs
 * as a convolution with the base's geometry and {@code B} as a 1×1 convolution ({@link
 * WeightView#lowRank}).
 */
public interface LowRankAdapter extends ZooAdapter {
  /** The down projection {@code A (r, in)} ({@code flat_in} for a conv). */
  Tensor loraA();

  /** The up projection {@code B (out, r)}. */
  Tensor loraB();

  /** The scale {@code s} applied to {@code B A}. */
  double scale();

  /** {@code base(x) + s·(x Aᵀ) Bᵀ}, never forming {@code B A}. */
  @Override
  default Tensor apply(Tensor x) {
    return apply(x, null);
  }

  /** As {@link #apply(Tensor)}, with dropout on the adapter's input when a key is given. */
  @Override
  default Tensor apply(Tensor x, @Nullable Key key) {
    return base().apply(x).plus(view().lowRank(AdapterDropout.apply(x, dropout(), key), loraA(),
        loraB(), scale()));
  }

  /** {@code W + s·B A}, same type, bias and geometry. */
  @Override
  default Layer merge() {
    return view().plus(LowRank.product(loraB(), loraA(), scale()));
  }

  /** The inner dimension of the factors. */
  @Override
  default int rank() {
    return loraB().dim(1);
  }

  /** {@link #scale()}. */
  @Override
  default double updateScale() {
    return scale();
  }
}
