package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;
import dev.graft.runtime.Tensor;

/**
 * LoRA on a {@link ConvLayer} (Conv1d/2d/3d): the kernel seen as {@code W_f (out, flat_in)} gets
 * {@code s·B A} with {@code A (r, flat_in)}, {@code B (out, r)}, {@code s = α/r}. Trains factored:
 * {@code A} runs as a convolution with {@code r} output channels and the base's kernel, stride,
 * padding and dilation, {@code B} as a 1×1 convolution. Trains {@code r·(flat_in + out)}.
 *
 * @param base the frozen conv layer
 * @param loraA {@code (r, flat_in)}
 * @param loraB {@code (out, r)}
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record LoRAConv(ConvLayer base, Tensor loraA, Tensor loraB, double scale, double dropout)
    implements LowRankConvAdapter {

  /** Builds LoRA adapters for Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("LoRAConv",
      layer -> layer instanceof ConvLayer,
      (base, config) -> create((ConvLayer) base, config));

  /** Validates the factor shapes against the base. */
  public LoRAConv {
    LowRank.checkFactors("LoRAConv", loraA, loraB, base.outChannels(), ConvLowRank.flatIn(base));
  }

  /** LoRA around {@code base} with {@code config}'s rank, {@code α/r} scale and key. */
  public static LoRAConv create(ConvLayer base, AdapterConfig config) {
    LowRank.Factors f = LowRank.init("LoRAConv", base.outChannels(), ConvLowRank.flatIn(base),
        config);
    return new LoRAConv(base, f.a(), f.b(), config.scale(), config.dropout());
  }
}
