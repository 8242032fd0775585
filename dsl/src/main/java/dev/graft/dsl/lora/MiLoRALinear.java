package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Tensor;

/**
 * MiLoRA (arXiv 2406.09044) on a {@link Linear}: PiSSA with the minor singular directions, so
 * fine-tuning changes the part of {@code W} that carries the least of the pretrained knowledge.
 * With {@code W = U Σ Vᵀ} and its {@code r} <em>smallest</em> triplets, {@code A = √(Σ_r/s) V_rᵀ
 * (r, in)} and {@code B = U_r √(Σ_r/s) (out, r)}, {@code s = α/r}; the base becomes the residual
 * {@code W_res = W − s·B A}, so the layer is unchanged at init. Trains {@code A} and {@code B}:
 * {@code r·(in + out)} parameters; merges into {@code W_res + s·B A}. Needs {@code 1 ≤ r ≤ min(out,
 * in)}. Always uses the exact SVD (a randomized one cannot find the smallest triplets), whose
 * cost is {@code O(out·in·min(out, in))}.
 *
 * @param base the frozen residual layer ({@code W_res}, the original bias)
 * @param loraA {@code (r, in)}
 * @param loraB {@code (out, r)}
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record MiLoRALinear(Linear base, Tensor loraA, Tensor loraB, double scale, double dropout)
    implements LowRankLinearAdapter, BaseDerived {

  /** Builds MiLoRA adapters for {@link Linear} layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("MiLoRALinear",
      layer -> layer instanceof Linear,
      (base, config) -> create((Linear) base, config));

  /** Validates the factor shapes against the base. */
  public MiLoRALinear {
    LowRank.checkFactors("MiLoRALinear", loraA, loraB, base.outFeatures(), base.inFeatures());
  }

  /** MiLoRA around {@code base}: its smallest {@code r} singular triplets move into the adapter. */
  public static MiLoRALinear create(Linear base, AdapterConfig config) {
    Tensor w = base.weight();
    SvdInit.Split split = SvdInit.principal("MiLoRALinear", w,
        SvdInit.bottom("MiLoRALinear", w, config.rank()), config.scale());
    return new MiLoRALinear(base.withWeight(split.residual()), split.a(), split.b(),
        config.scale(), config.dropout());
  }

  /** Refused: see {@link BaseDerived#splitRefusal}. */
  @Override
  public void checkNewBase() {
    throw BaseDerived.splitRefusal("MiLoRALinear", "bottom-r");
  }

  /** Never reached: {@link #checkNewBase()} refuses. */
  @Override
  public LoraWrapper withNewBase() {
    throw BaseDerived.splitRefusal("MiLoRALinear", "bottom-r");
  }
}
