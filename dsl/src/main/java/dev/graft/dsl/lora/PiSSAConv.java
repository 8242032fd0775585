package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;
import dev.graft.runtime.Tensor;

/**
 * PiSSA (arXiv 2404.02948) on a {@link ConvLayer} (Conv1d/2d/3d): the kernel seen as {@code W_f
 * (out, flat_in)} is split by its top {@code r} singular triplets into {@code A = √(Σ_r/s) V_rᵀ
 * (r, flat_in)}, {@code B = U_r √(Σ_r/s) (out, r)}, {@code s = α/r}, and the residual kernel
 * {@code W_res = W_f − s·B A}, so the layer is unchanged at init. Trains factored like {@link
 * LoRAConv} ({@code A} as a convolution with the base's geometry, {@code B} as a 1×1 convolution):
 * {@code r·(flat_in + out)} parameters; merges into {@code W_res + s·B A}. Needs {@code 1 ≤ r ≤
 * min(out, flat_in)}; the SVD is exact for small kernels and randomized above {@link SvdInit}'s
 * threshold.
 *
 * @param base the frozen residual layer ({@code W_res} as its kernel, the original bias)
 * @param loraA {@code (r, flat_in)}
 * @param loraB {@code (out, r)}
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record PiSSAConv(ConvLayer base, Tensor loraA, Tensor loraB, double scale, double dropout)
    implements LowRankConvAdapter, BaseDerived {

  /** Builds PiSSA adapters for Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("PiSSAConv",
      layer -> layer instanceof ConvLayer,
      (base, config) -> create((ConvLayer) base, config));

  /** Validates the factor shapes against the base. */
  public PiSSAConv {
    LowRank.checkFactors("PiSSAConv", loraA, loraB, base.outChannels(), ConvLowRank.flatIn(base));
  }

  /** PiSSA around {@code base}: the kernel's top {@code r} triplets move into the adapter. */
  public static PiSSAConv create(ConvLayer base, AdapterConfig config) {
    Tensor w = ConvLowRank.flatWeight(base);
    SvdInit.Split split = SvdInit.principal("PiSSAConv", w,
        SvdInit.top("PiSSAConv", w, config.rank()), config.scale());
    return new PiSSAConv(base.withWeight(ConvLowRank.asKernel(base, split.residual())), split.a(),
        split.b(), config.scale(), config.dropout());
  }

  /** Refused: see {@link BaseDerived#splitRefusal}. */
  @Override
  public void checkNewBase() {
    throw BaseDerived.splitRefusal("PiSSAConv", "top-r");
  }

  /** Never reached: {@link #checkNewBase()} refuses. */
  @Override
  public LoraWrapper withNewBase() {
    throw BaseDerived.splitRefusal("PiSSAConv", "top-r");
  }
}
