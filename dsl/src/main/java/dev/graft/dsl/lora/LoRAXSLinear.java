package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * LoRA-XS (arXiv 2405.17604) on a {@link Linear}: frozen factors from the weight's top {@code r}
 * singular triplets, {@code A = V_rᵀ (r, in)} and {@code B = U_r Σ_r (out, r)}, and a small
 * trainable {@code R (r, r)} between them, zero at init: {@code y = x Wᵀ + b + s·((x Aᵀ) Rᵀ) Bᵀ},
 * {@code s = α/r}. Trains {@code r²} parameters; merges into {@code W + s·B R A}. Needs {@code 1 ≤
 * r ≤ min(out, in)}; the SVD is exact for small weights and randomized above {@link SvdInit}'s
 * threshold.
 *
 * @param base the frozen layer
 * @param loraA the frozen down projection {@code V_rᵀ (r, in)}
 * @param loraB the frozen up projection {@code U_r Σ_r (out, r)}
 * @param loraR the trainable {@code (r, r)} mixing matrix
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record LoRAXSLinear(Linear base, Tensor loraA, Tensor loraB, Tensor loraR, double scale,
    double dropout) implements BaseDerived {

  /** Builds LoRA-XS adapters for {@link Linear} layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("LoRAXSLinear",
      layer -> layer instanceof Linear,
      (base, config) -> create((Linear) base, config));

  /** Validates the factor shapes against the base. */
  public LoRAXSLinear {
    LowRank.checkFactors("LoRAXSLinear", loraA, loraB, base.outFeatures(), base.inFeatures());
    FieldShapes.check("LoRAXSLinear", "loraR", loraR, loraA.dim(0), loraA.dim(0));
  }

  /** LoRA-XS around {@code base} from its top {@code r} singular triplets, {@code R = 0}. */
  public static LoRAXSLinear create(Linear base, AdapterConfig config) {
    LowRank.Factors f = SvdInit.scaledLeft(SvdInit.top("LoRAXSLinear", base.weight(),
        config.rank()));
    return new LoRAXSLinear(base, f.a(), f.b(), Tensor.zeros(config.rank(), config.rank()),
        config.scale(), config.dropout());
  }

  @Override
  public Tensor apply(Tensor x) {
    return apply(x, null);
  }

  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    Tensor h = AdapterDropout.apply(x, dropout, key).matmul(loraA, false, true)
        .matmul(loraR, false, true).matmul(loraB, false, true);
    return base.apply(x).plus(h.times((float) scale));
  }

  @Override
  public Layer merge() {
    return base.withWeight(base.weight().plus(LowRank.product(loraB.matmul(loraR), loraA, scale)));
  }

  @Override
  public List<String> adapterFields() {
    return List.of("loraR");
  }

  /** Allowed while {@code R} is zero (untrained). */
  @Override
  public void checkNewBase() {
    BaseDerived.requireUntrained("LoRAXSLinear", loraR);
  }

  /** {@code A} and {@code B} recomputed from the new weight's top singular triplets. */
  @Override
  public LoraWrapper withNewBase() {
    LowRank.Factors f = SvdInit.scaledLeft(SvdInit.top("LoRAXSLinear", base.weight(),
        loraR.dim(0)));
    return new LoRAXSLinear(base, f.a(), f.b(), loraR, scale, dropout);
  }
}
