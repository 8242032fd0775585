package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Tensor;

/**
 * LoRA (arXiv 2106.09685) on a {@link Linear}: {@code y = x Wᵀ + b + s·(x Aᵀ) Bᵀ} with {@code s =
 * α/r}, {@code A (r, in)} kaiming-uniform (bound {@code 1/√in}) and {@code B (out, r)} zero, so it
 * starts as the identity. Trains {@code A} and {@code B}: {@code r·(in + out)} parameters; merges
 * into {@code W + s·B A}.
 *
 * @param base the frozen layer
 * @param loraA the down projection {@code (r, in)}
 * @param loraB the up projection {@code (out, r)}
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record LoRALinear(Linear base, Tensor loraA, Tensor loraB, double scale, double dropout)
    implements LowRankLinearAdapter {

  /** Builds LoRA adapters for {@link Linear} layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("LoRALinear",
      layer -> layer instanceof Linear,
      (base, config) -> create((Linear) base, config));

  /** Validates the factor shapes against the base. */
  public LoRALinear {
    LowRank.checkFactors("LoRALinear", loraA, loraB, base.outFeatures(), base.inFeatures());
  }

  /** LoRA around {@code base} with {@code config}'s rank, {@code α/r} scale and key. */
  public static LoRALinear create(Linear base, AdapterConfig config) {
    LowRank.Factors f = LowRank.init("LoRALinear", base.outFeatures(), base.inFeatures(), config);
    return new LoRALinear(base, f.a(), f.b(), config.scale(), config.dropout());
  }
}
