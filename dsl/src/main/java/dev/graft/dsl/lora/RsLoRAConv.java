package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;
import dev.graft.runtime.Tensor;

/**
 * Rank-stabilized LoRA (arXiv 2312.03732) on a {@link ConvLayer} (Conv1d/2d/3d): the kernel seen
 * as {@code W_f (out, flat_in)} gets {@code s·B A} with {@code s = α/√r}, {@code A (r, flat_in)}
 * kaiming-uniform (bound {@code 1/√flat_in}), {@code B (out, r)} zero. Trains factored as {@link
 * LoRAConv} does ({@code A} a convolution with the base's geometry, {@code B} a 1×1 convolution).
 * Trains {@code r·(flat_in + out)} parameters; merges into {@code W_f + (α/√r)·B A}.
 *
 * @param base the frozen conv layer
 * @param loraA {@code (r, flat_in)}
 * @param loraB {@code (out, r)}
 * @param scale {@code α / √r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record RsLoRAConv(ConvLayer base, Tensor loraA, Tensor loraB, double scale, double dropout)
    implements LowRankConvAdapter {

  /** Builds rsLoRA adapters for Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("RsLoRAConv",
      layer -> layer instanceof ConvLayer,
      (base, config) -> create((ConvLayer) base, config));

  /** Validates the factor shapes against the base. */
  public RsLoRAConv {
    LowRank.checkFactors("RsLoRAConv", loraA, loraB, base.outChannels(),
        ConvLowRank.flatIn(base));
  }

  /** rsLoRA around {@code base} with {@code config}'s rank, {@code α/√r} scale and key. */
  public static RsLoRAConv create(ConvLayer base, AdapterConfig config) {
    LowRank.Factors f = LowRank.init("RsLoRAConv", base.outChannels(), ConvLowRank.flatIn(base),
        config);
    return new RsLoRAConv(base, f.a(), f.b(), config.rsScale(), config.dropout());
  }
}
