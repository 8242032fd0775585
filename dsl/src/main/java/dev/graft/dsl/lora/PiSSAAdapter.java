package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;
import java.util.List;

/**
 * PiSSA (arXiv 2404.02948) on a Linear or a Conv1d/2d/3d: the adapter starts from the principal
 * singular directions of the weight seen as {@code W (out, in)}. With {@code W = U Σ Vᵀ} and its
 * top {@code r} triplets, {@code A = √(Σ_r/s) V_rᵀ (r, in)} and {@code B = U_r √(Σ_r/s) (out, r)},
 * {@code s = α/r}; the base becomes the residual {@code W_res = W − s·B A}, so the layer is
 * unchanged at init. Trains {@code A} and {@code B}: {@code r·(in + out)} parameters; merges into
 * {@code W_res + s·B A}. Needs {@code 1 ≤ r ≤ min(out, in)}; the SVD is exact for small weights and
 * randomized above {@link SvdInit}'s threshold.
 *
 * @param base the frozen residual layer ({@code W_res}, the original bias)
 * @param loraA {@code (r, in)}
 * @param loraB {@code (out, r)}
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record PiSSAAdapter(Layer base, Tensor loraA, Tensor loraB, double scale, double dropout)
    implements SvdSplitAdapter {

  /** PiSSA's description: PEFT's LoRA with {@code init_lora_weights = "pissa"}. */
  public static final AdapterKind KIND = AdapterKind.of("PiSSA", PiSSAAdapter.class,
      List.of("loraA", "loraB"), PeftForm.lora("pissa", true), PiSSAAdapter::create);

  /** Builds PiSSA adapters for Linear and Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = KIND.factory();

  /** Validates the factor shapes against the base. */
  public PiSSAAdapter {
    LowRank.checkFactors(KIND, base, loraA, loraB);
  }

  /** PiSSA around {@code base}: its top {@code r} singular triplets move into the adapter. */
  public static PiSSAAdapter create(Layer base, AdapterConfig config) {
    return SvdInit.split(KIND, base, config, true, PiSSAAdapter::new);
  }

  /** The {@code top-r} singular triplets moved into the factors. */
  @Override
  public String triplets() {
    return "top-r";
  }
}
