package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;

/**
 * The adapters whose update is {@code s·B A} on the layer's weight matrix (LoRA, rsLoRA, LoRA-FA,
 * PiSSA, MiLoRA): they differ only in how they initialize and scale, so each record supplies its
 * components and inherits the factored forward and the merge. On a conv, {@code A} runs as a
 * convolution with the base's geometry and {@code B} as a 1×1 convolution ({@link
 * WeightView#lowRank}).
 */
public interface LowRankAdapter extends ScaledAdapter, LowRankFactors {
  /** Dropout rate on the adapter's input while training. */
  @Override
  double dropout();

  /** The inference forward. */
  @Override
  default Tensor apply(Tensor x) {
    return apply(x, (Key) null);
  }

  /** The fields its kind declares trainable (LoRA-FA: {@code loraB} alone). */
  @Override
  default List<String> adapterFields() {
    return ScaledAdapter.super.adapterFields();
  }

  /** The inner dimension of the factors: {@code B}'s last axis. */
  @Override
  default int rank() {
    return loraB().dim(loraB().ndim() - 1);
  }

  /** {@code W + s·B A}, same type, bias and geometry; on a GroupedLinear, group by group. */
  @Override
  default Layer merge() {
    return PerGroup.grouped(base()) ? PerGroup.merge(this) : LowRankFactors.super.merge();
  }
}
