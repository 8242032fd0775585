package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The shared behaviour of the adapters whose update is {@code s·B A} on a {@link Linear} (LoRA,
 * rsLoRA, LoRA-FA, PiSSA, MiLoRA): they differ only in how they initialize and scale, so a record
 * supplies the components and inherits the factored forward and the merge from here.
 */
public interface LowRankLinearAdapter extends LoraWrapper {
  @Override
  Linear base();

  /** The down projection {@code A (r, in)}. */
  Tensor loraA();

  /** The up projection {@code B (out, r)}. */
  Tensor loraB();

  /** The scale {@code s} applied to {@code B A}. */
  double scale();

  /** Dropout rate on the adapter's input while training. */
  double dropout();

  /** {@code x Wᵀ + b + s·(x Aᵀ) Bᵀ}, never forming {@code B A}. */
  @Override
  default Tensor apply(Tensor x) {
    return apply(x, null);
  }

  /** As {@link #apply(Tensor)}, with dropout on the adapter's input when a key is given. */
  @Override
  default Tensor apply(Tensor x, @Nullable Key key) {
    return base().apply(x).plus(LowRank.delta(AdapterDropout.apply(x, dropout(), key), loraA(),
        loraB(), scale()));
  }

  /** {@code W + s·B A}, same bias. */
  @Override
  default Layer merge() {
    return base().withWeight(LowRank.merged(base().weight(), loraB(), loraA(), scale()));
  }

  /** Both factors train; LoRA-FA narrows this to {@code loraB}. */
  @Override
  default List<String> adapterFields() {
    return List.of("loraA", "loraB");
  }
}
