package dev.graft.dsl.lora;

import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@link PeftLoKrLinear} and {@link PeftLoKrConv} share beyond their shapes: no dropout (the
 * keyed forward is the plain one), the trainable fields by which factors are stored whole, and
 * the merge as the base plus {@link #delta()}.
 */
interface PeftLoKrForm extends LoraWrapper {
  /** {@code W1} when stored whole, else null (then its two factors are). */
  @Nullable Tensor lokrW1();

  /** {@code W2} when stored whole, else null (then its two factors are). */
  @Nullable Tensor lokrW2();

  /** {@code s·(W1 ⊗ W2)} in the base weight's shape. */
  Tensor delta();

  /** PEFT's LoKr has no dropout on this path: the keyed forward is the plain one. */
  @Override
  default Tensor apply(Tensor x, @Nullable Key key) {
    return apply(x);
  }

  /** The stored factors: whole matrices or their rank-r pairs. */
  @Override
  default List<String> adapterFields() {
    return PeftLoKr.fields(lokrW1() != null, lokrW2() != null);
  }
}
