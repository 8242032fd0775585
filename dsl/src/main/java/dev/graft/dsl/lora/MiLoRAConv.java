package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;
import dev.graft.runtime.Tensor;

/**
 * MiLoRA (arXiv 2406.09044) on a {@link ConvLayer} (Conv1d/2d/3d): {@link PiSSAConv} with the
 * {@code r} <em>smallest</em> singular triplets of the kernel seen as {@code W_f (out, flat_in)}:
 * {@code A = √(Σ_r/s) V_rᵀ (r, flat_in)}, {@code B = U_r √(Σ_r/s) (out, r)}, {@code s = α/r}, and
 * the residual kernel {@code W_res = W_f − s·B A}, so the layer is unchanged at init. Trains
 * factored like {@link LoRAConv}: {@code r·(flat_in + out)} parameters; merges into {@code W_res +
 * s·B A}. Needs {@code 1 ≤ r ≤ min(out, flat_in)}. Always uses the exact SVD (a randomized one
 * cannot find the smallest triplets).
 *
 * @param base the frozen residual layer ({@code W_res} as its kernel, the original bias)
 * @param loraA {@code (r, flat_in)}
 * @param loraB {@code (out, r)}
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record MiLoRAConv(ConvLayer base, Tensor loraA, Tensor loraB, double scale, double dropout)
    implements LowRankConvAdapter, BaseDerived {

  /** Builds MiLoRA adapters for Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("MiLoRAConv",
      layer -> layer instanceof ConvLayer,
      (base, config) -> create((ConvLayer) base, config));

  /** Validates the factor shapes against the base. */
  public MiLoRAConv {
    LowRank.checkFactors("MiLoRAConv", loraA, loraB, base.outChannels(), ConvLowRank.flatIn(base));
  }

  /** MiLoRA around {@code base}: the kernel's smallest {@code r} triplets move into the adapter. */
  public static MiLoRAConv create(ConvLayer base, AdapterConfig config) {
    Tensor w = ConvLowRank.flatWeight(base);
    SvdInit.Split split = SvdInit.principal("MiLoRAConv", w,
        SvdInit.bottom("MiLoRAConv", w, config.rank()), config.scale());
    return new MiLoRAConv(base.withWeight(ConvLowRank.asKernel(base, split.residual())), split.a(),
        split.b(), config.scale(), config.dropout());
  }

  /** Refused: see {@link BaseDerived#splitRefusal}. */
  @Override
  public void checkNewBase() {
    throw BaseDerived.splitRefusal("MiLoRAConv", "bottom-r");
  }

  /** Never reached: {@link #checkNewBase()} refuses. */
  @Override
  public LoraWrapper withNewBase() {
    throw BaseDerived.splitRefusal("MiLoRAConv", "bottom-r");
  }
}
