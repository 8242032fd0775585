package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * LoRA-XS (arXiv 2405.17604) on a Linear or a Conv1d/2d/3d: with the weight seen as {@code W (out,
 * in)} and its top {@code r} singular triplets, frozen {@code A = V_rᵀ (r, in)} and {@code B = U_r
 * Σ_r (out, r)} and a small trainable {@code R (r, r)} between them, zero at init: the weight
 * becomes {@code W + s·B R A}, {@code s = α/r}. The forward runs {@code A} and the small {@code B R
 * (out, r)} factored ({@link WeightView#lowRank}). Trains {@code r²} parameters. Needs {@code 1 ≤ r
 * ≤ min(out, in)}; the SVD is exact for small weights and randomized above {@link SvdInit}'s
 * threshold.
 *
 * @param base the frozen layer
 * @param loraA the frozen down projection {@code V_rᵀ (r, in)}
 * @param loraB the frozen up projection {@code U_r Σ_r (out, r)}
 * @param loraR the trainable {@code (r, r)} mixing matrix
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record LoRAXSAdapter(Layer base, Tensor loraA, Tensor loraB, Tensor loraR, double scale,
    double dropout) implements ScaledAdapter, BaseDerived {

  /** LoRA-XS's description: only {@code R} trains; only Graft reads it. */
  public static final AdapterKind KIND = AdapterKind.of("LoRA-XS", LoRAXSAdapter.class,
      List.of("loraR"), PeftForm.graftOnly("loraxs", true, "PEFT has no LoRA-XS: its frozen A and"
          + " B come from the SVD of the base weight and only R (r, r) is trained", keys()),
      LoRAXSAdapter::create);

  /** Builds LoRA-XS adapters for Linear and Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = KIND.factory();

  /** Validates the factor shapes against the base. */
  public LoRAXSAdapter {
    LowRank.checkFactors(KIND, base, loraA, loraB);
    WeightView v = WeightView.of(KIND.name(), base);
    int r = v.perMatrix(KIND.name(), "loraA", loraA)[0];
    FieldShapes.check(KIND.name(), v, "loraR", loraR, r, r);
  }

  private static Map<String, String> keys() {
    Map<String, String> k = new HashMap<>(PeftForm.LORA_KEYS);
    k.put("loraR", "lora_R.weight");
    return k;
  }

  /** LoRA-XS around {@code base} from its top {@code r} singular triplets, {@code R = 0}. */
  public static LoRAXSAdapter create(Layer base, AdapterConfig config) {
    return PerGroup.ofEach(KIND, base, config, (one, c) -> {
      LowRank.Factors f = factors(one, c.rank());
      return new LoRAXSAdapter(one, f.a(), f.b(), Tensor.zeros(c.rank(), c.rank()), c.scale(),
          c.dropout());
    });
  }

  private static LowRank.Factors factors(Layer base, int rank) {
    return SvdInit.scaledLeft(SvdInit.top(KIND.name(), WeightView.of(KIND.name(), base).matrix(),
        rank));
  }

  /** The size of {@code R}: its last axis. */
  @Override
  public int rank() {
    return loraR.dim(loraR.ndim() - 1);
  }

  /** {@code base(x) + s·((x Aᵀ) (B R)ᵀ)}, never forming the dense update. */
  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    return base.apply(x).plus(view().lowRank(AdapterDropout.apply(x, dropout, key), loraA,
        loraB.matmul(loraR), scale));
  }

  /** {@code W + s·B R A}. */
  @Override
  public Layer merge() {
    if (PerGroup.grouped(base)) {
      return PerGroup.merge(this);
    }
    return view().plus(LowRank.product(loraB.matmul(loraR), loraA, scale));
  }

  /** Allowed while {@code R} is zero (untrained). */
  @Override
  public void checkNewBase() {
    BaseDerived.requireUntrained(KIND.name(), loraR);
  }

  /** {@code A} and {@code B} recomputed from the new weight's top singular triplets. */
  @Override
  public LoRAXSAdapter withNewBase() {
    if (PerGroup.grouped(base)) {
      return PerGroup.map(this, LoRAXSAdapter::withNewBase);
    }
    LowRank.Factors f = factors(base, loraR.dim(0));
    return new LoRAXSAdapter(base, f.a(), f.b(), loraR, scale, dropout);
  }
}
