package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;

/**
 * A record with {@code loraA}, {@code loraB}, {@code scale} and {@code dropout} around a {@link
 * Linear} inherits LoRA's factored forward and merge from here.
 *
 * @deprecated the zoo's low-rank adapters are one class each for Linear and Conv layers; implement
 *     {@link LowRankAdapter} (a {@link ZooAdapter} with an {@link AdapterKind})
 */
@Deprecated
public interface LowRankLinearAdapter extends LowRankFactors {
  @Override
  Linear base();
}
