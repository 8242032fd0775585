package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An update {@code s·B A} on a layer seen as a weight matrix: the factored forward and the merge
 * that {@link LowRankAdapter} and the earlier per-layer interfaces share.
 */
interface LowRankFactors extends LoraWrapper {
  /** The down projection {@code A (r, in)} ({@code flat_in} for a conv). */
  Tensor loraA();

  /** The up projection {@code B (out, r)}. */
  Tensor loraB();

  /** The scale {@code s} applied to {@code B A}. */
  double scale();

  /** Dropout rate on the adapter's input while training. */
  double dropout();

  /** {@code base(x) + s·(x Aᵀ) Bᵀ} without dropout. */
  @Override
  default Tensor apply(Tensor x) {
    return apply(x, null);
  }

  /** {@code base(x) + s·(x Aᵀ) Bᵀ}, never forming {@code B A}; dropout on the adapter's input. */
  @Override
  default Tensor apply(Tensor x, @Nullable Key key) {
    return base().apply(x).plus(WeightView.of(getClass().getSimpleName(), base())
        .lowRank(AdapterDropout.apply(x, dropout(), key), loraA(), loraB(), scale()));
  }

  /** {@code W + s·B A}, same type, bias and geometry. */
  @Override
  default Layer merge() {
    WeightView v = WeightView.of(getClass().getSimpleName(), base());
    return v.withMatrix(LowRank.merged(v.matrix(), loraB(), loraA(), scale()));
  }

  /** Both factors train. */
  @Override
  default List<String> adapterFields() {
    return List.of("loraA", "loraB");
  }
}
