package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;

/**
 * A record with {@code loraA}, {@code loraB}, {@code scale} and {@code dropout} around a
 * Conv1d/2d/3d inherits LoRA's factored forward and merge on the kernel seen as {@code W_f (out,
 * flat_in)} from here.
 *
 * @deprecated the zoo's low-rank adapters are one class each for Linear and Conv layers; implement
 *     {@link LowRankAdapter} (a {@link ZooAdapter} with an {@link AdapterKind})
 */
@Deprecated
public interface LowRankConvAdapter extends LowRankFactors {
  @Override
  ConvLayer base();
}
