package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.ConvLayer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * LoRA-XS (arXiv 2405.17604) on a {@link ConvLayer} (Conv1d/2d/3d): with the kernel seen as
 * {@code W_f (out, flat_in)} and its top {@code r} singular triplets, frozen {@code A = V_rᵀ (r,
 * flat_in)}, {@code B = U_r Σ_r (out, r)} and a trainable {@code R (r, r)}, zero at init; the
 * kernel becomes {@code W_f + s·B R A}, {@code s = α/r}. Trains factored: {@code A} runs as a
 * convolution with the base's geometry, then the small {@code B R (out, r)} as a 1×1 convolution.
 * Trains {@code r²} parameters. Needs {@code 1 ≤ r ≤ min(out, flat_in)}; the SVD is exact for
 * small kernels and randomized above {@link SvdInit}'s threshold.
 *
 * @param base the frozen conv layer
 * @param loraA the frozen {@code V_rᵀ (r, flat_in)}
 * @param loraB the frozen {@code U_r Σ_r (out, r)}
 * @param loraR the trainable {@code (r, r)} mixing matrix
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record LoRAXSConv(ConvLayer base, Tensor loraA, Tensor loraB, Tensor loraR, double scale,
    double dropout) implements BaseDerived {

  /** Builds LoRA-XS adapters for Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("LoRAXSConv",
      layer -> layer instanceof ConvLayer,
      (base, config) -> create((ConvLayer) base, config));

  /** Validates the factor shapes against the base. */
  public LoRAXSConv {
    LowRank.checkFactors("LoRAXSConv", loraA, loraB, base.outChannels(), ConvLowRank.flatIn(base));
    FieldShapes.check("LoRAXSConv", "loraR", loraR, loraA.dim(0), loraA.dim(0));
  }

  /** LoRA-XS around {@code base} from its kernel's top {@code r} triplets, {@code R = 0}. */
  public static LoRAXSConv create(ConvLayer base, AdapterConfig config) {
    LowRank.Factors f = SvdInit.scaledLeft(SvdInit.top("LoRAXSConv",
        ConvLowRank.flatWeight(base), config.rank()));
    return new LoRAXSConv(base, f.a(), f.b(), Tensor.zeros(config.rank(), config.rank()),
        config.scale(), config.dropout());
  }

  @Override
  public Tensor apply(Tensor x) {
    return apply(x, null);
  }

  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    return base.apply(x).plus(ConvLowRank.delta(base, AdapterDropout.apply(x, dropout, key),
        loraA, loraB.matmul(loraR), scale));
  }

  @Override
  public Layer merge() {
    return ConvLowRank.mergeDelta(base, LowRank.product(loraB.matmul(loraR), loraA, scale));
  }

  @Override
  public List<String> adapterFields() {
    return List.of("loraR");
  }

  /** Allowed while {@code R} is zero (untrained). */
  @Override
  public void checkNewBase() {
    BaseDerived.requireUntrained("LoRAXSConv", loraR);
  }

  /** {@code A} and {@code B} recomputed from the new kernel's top singular triplets. */
  @Override
  public LoraWrapper withNewBase() {
    LowRank.Factors f = SvdInit.scaledLeft(SvdInit.top("LoRAXSConv",
        ConvLowRank.flatWeight(base), loraR.dim(0)));
    return new LoRAXSConv(base, f.a(), f.b(), loraR, scale, dropout);
  }
}
