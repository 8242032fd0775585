package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Tensor;

/**
 * Rank-stabilized LoRA (arXiv 2312.03732) on a {@link Linear}: LoRA with the scale {@code s =
 * α/√r} instead of {@code α/r}, so the update's size does not shrink as the rank grows. {@code y
 * = x Wᵀ + b + s·(x Aᵀ) Bᵀ}, {@code A (r, in)} kaiming-uniform (bound {@code 1/√in}), {@code B
 * (out, r)} zero. Trains {@code A} and {@code B}: {@code r·(in + out)} parameters; merges into
 * {@code W + (α/√r)·B A}.
 *
 * @param base the frozen layer
 * @param loraA the down projection {@code (r, in)}
 * @param loraB the up projection {@code (out, r)}
 * @param scale {@code α / √r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record RsLoRALinear(Linear base, Tensor loraA, Tensor loraB, double scale, double dropout)
    implements LowRankLinearAdapter {

  /** Builds rsLoRA adapters for {@link Linear} layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("RsLoRALinear",
      layer -> layer instanceof Linear,
      (base, config) -> create((Linear) base, config));

  /** Validates the factor shapes against the base. */
  public RsLoRALinear {
    LowRank.checkFactors("RsLoRALinear", loraA, loraB, base.outFeatures(), base.inFeatures());
  }

  /** rsLoRA around {@code base} with {@code config}'s rank, {@code α/√r} scale and key. */
  public static RsLoRALinear create(Linear base, AdapterConfig config) {
    LowRank.Factors f = LowRank.init("RsLoRALinear", base.outFeatures(), base.inFeatures(),
        config);
    return new RsLoRALinear(base, f.a(), f.b(), config.rsScale(), config.dropout());
  }
}
