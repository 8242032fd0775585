package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;
import dev.graft.runtime.Tensor;
import java.util.List;

/**
 * LoRA-FA (arXiv 2308.03303) on a {@link ConvLayer} (Conv1d/2d/3d): the kernel seen as {@code W_f
 * (out, flat_in)} gets {@code s·B A}, {@code s = α/r}, with {@code A (r, flat_in)} kaiming-uniform
 * (bound {@code 1/√flat_in}) and frozen, {@code B (out, r)} zero and trainable. Runs factored as
 * {@link LoRAConv} does. Trains {@code r·out} parameters; merges into {@code W_f + s·B A}.
 *
 * @param base the frozen conv layer
 * @param loraA the frozen {@code (r, flat_in)}
 * @param loraB the trainable {@code (out, r)}
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record LoRAFAConv(ConvLayer base, Tensor loraA, Tensor loraB, double scale, double dropout)
    implements LowRankConvAdapter {

  /** Builds LoRA-FA adapters for Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("LoRAFAConv",
      layer -> layer instanceof ConvLayer,
      (base, config) -> create((ConvLayer) base, config));

  /** Validates the factor shapes against the base. */
  public LoRAFAConv {
    LowRank.checkFactors("LoRAFAConv", loraA, loraB, base.outChannels(),
        ConvLowRank.flatIn(base));
  }

  /** LoRA-FA around {@code base} with {@code config}'s rank, {@code α/r} scale and key. */
  public static LoRAFAConv create(ConvLayer base, AdapterConfig config) {
    LowRank.Factors f = LowRank.init("LoRAFAConv", base.outChannels(), ConvLowRank.flatIn(base),
        config);
    return new LoRAFAConv(base, f.a(), f.b(), config.scale(), config.dropout());
  }

  /** Only {@code loraB}: {@code A} stays frozen. */
  @Override
  public List<String> adapterFields() {
    return List.of("loraB");
  }
}
