package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Tensor;

/**
 * PiSSA (arXiv 2404.02948) on a {@link Linear}: the adapter starts from the weight's principal
 * singular directions. With {@code W = U Σ Vᵀ} and its top {@code r} triplets, {@code A = √(Σ_r/s)
 * V_rᵀ (r, in)} and {@code B = U_r √(Σ_r/s) (out, r)}, {@code s = α/r}; the base becomes the
 * residual {@code W_res = W − s·B A}, so {@code y = x W_resᵀ + b + s·(x Aᵀ) Bᵀ} equals the original
 * layer at init. Trains {@code A} and {@code B}: {@code r·(in + out)} parameters; merges into
 * {@code W_res + s·B A}. Needs {@code 1 ≤ r ≤ min(out, in)}; the SVD is exact for small weights
 * and randomized above {@link SvdInit}'s threshold.
 *
 * @param base the frozen residual layer ({@code W_res}, the original bias)
 * @param loraA {@code (r, in)}
 * @param loraB {@code (out, r)}
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record PiSSALinear(Linear base, Tensor loraA, Tensor loraB, double scale, double dropout)
    implements LowRankLinearAdapter, BaseDerived {

  /** Builds PiSSA adapters for {@link Linear} layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("PiSSALinear",
      layer -> layer instanceof Linear,
      (base, config) -> create((Linear) base, config));

  /** Validates the factor shapes against the base. */
  public PiSSALinear {
    LowRank.checkFactors("PiSSALinear", loraA, loraB, base.outFeatures(), base.inFeatures());
  }

  /** PiSSA around {@code base}: its top {@code r} singular triplets move into the adapter. */
  public static PiSSALinear create(Linear base, AdapterConfig config) {
    Tensor w = base.weight();
    SvdInit.Split split = SvdInit.principal("PiSSALinear", w,
        SvdInit.top("PiSSALinear", w, config.rank()), config.scale());
    return new PiSSALinear(base.withWeight(split.residual()), split.a(), split.b(),
        config.scale(), config.dropout());
  }

  /** Refused: see {@link BaseDerived#splitRefusal}. */
  @Override
  public void checkNewBase() {
    throw BaseDerived.splitRefusal("PiSSALinear", "top-r");
  }

  /** Never reached: {@link #checkNewBase()} refuses. */
  @Override
  public LoraWrapper withNewBase() {
    throw BaseDerived.splitRefusal("PiSSALinear", "top-r");
  }
}
