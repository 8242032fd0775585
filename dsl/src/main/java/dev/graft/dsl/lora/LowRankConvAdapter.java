package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.ConvLayer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The shared behaviour of the adapters whose update is {@code s·B A} on a conv kernel seen as
 * {@code W_f (out, flat_in)} (LoRA, rsLoRA, LoRA-FA, PiSSA, MiLoRA): a factored forward ({@link
 * ConvLowRank}) and a merge into the kernel; records supply the components.
 */
public interface LowRankConvAdapter extends LoraWrapper {
  @Override
  ConvLayer base();

  /** The down projection {@code A (r, flat_in)}. */
  Tensor loraA();

  /** The up projection {@code B (out, r)}. */
  Tensor loraB();

  /** The scale {@code s} applied to {@code B A}. */
  double scale();

  /** Dropout rate on the adapter's input while training. */
  double dropout();

  /** {@code conv(x, W) + b + s·up(down(x))}, never forming {@code B A}. */
  @Override
  default Tensor apply(Tensor x) {
    return apply(x, null);
  }

  /** As {@link #apply(Tensor)}, with dropout on the adapter's input when a key is given. */
  @Override
  default Tensor apply(Tensor x, @Nullable Key key) {
    return base().apply(x).plus(ConvLowRank.delta(base(), AdapterDropout.apply(x, dropout(), key),
        loraA(), loraB(), scale()));
  }

  /** The kernel {@code W + s·B A} reshaped back, same bias and geometry. */
  @Override
  default Layer merge() {
    return ConvLowRank.mergeDelta(base(), LowRank.product(loraB(), loraA(), scale()));
  }

  /** Both factors train; LoRA-FA narrows this to {@code loraB}. */
  @Override
  default List<String> adapterFields() {
    return List.of("loraA", "loraB");
  }
}
