package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * DoRA (arXiv 2402.09353) on a Linear or a Conv1d/2d/3d: the weight seen as {@code W (out, in)}
 * ({@link WeightView}) is split into a magnitude {@code m (out)} and a direction that LoRA updates,
 * {@code W' = m ⊙ (W + s·B A) / ‖W + s·B A‖}, the norm per output row (for a conv, over every
 * kernel axis but the first), {@code s = α/r}.
 *
 * <p>Forward: {@code y = (m / ‖W + s·B A‖) ⊙ (base(x) without bias + s·(x Aᵀ) Bᵀ) + b}, the
 * low-rank path run factored, the norm treated as a constant in the backward pass (§4.3 of the
 * paper, as in PEFT) and computed from the factors ({@link DoRAMagnitude#rowNormsOfSum}); a row
 * with no direction (a zero row) outputs zero. Dropout acts on the input of the low-rank path.
 * Init: {@code A (r, in)} kaiming-uniform (bound {@code 1/√in}), {@code B (out, r)} zero, {@code
 * m = ‖W‖} per row, so it starts as the base. Trains {@code A}, {@code B}, {@code m}: {@code r·(in
 * + out) + out} parameters.
 *
 * @param base the frozen layer
 * @param loraA the down projection {@code (r, in)}
 * @param loraB the up projection {@code (out, r)}
 * @param loraMagnitude the magnitude {@code m (out)}
 * @param scale {@code α / r}
 * @param dropout dropout rate on the low-rank path's input while training
 */
public record DoRAAdapter(Layer base, Tensor loraA, Tensor loraB, Tensor loraMagnitude,
    double scale, double dropout) implements ScaledAdapter, BaseDerived {

  /** DoRA's description: factors and magnitude train; PEFT's LoRA with {@code use_dora}. */
  public static final AdapterKind KIND = AdapterKind.of("DoRA", DoRAAdapter.class,
      List.of("loraA", "loraB", "loraMagnitude"),
      new PeftForm("LORA", "dora", true, null, keys(), List.of()), DoRAAdapter::create);

  /** Builds DoRA adapters for Linear and Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = KIND.factory();

  /** Validates the factor and magnitude shapes against the base. */
  public DoRAAdapter {
    LowRank.checkFactors(KIND, base, loraA, loraB);
    RowScale.checkVector(KIND.name(), "loraMagnitude", loraMagnitude,
        WeightView.of(KIND.name(), base));
  }

  private static Map<String, String> keys() {
    Map<String, String> k = new HashMap<>(PeftForm.LORA_KEYS);
    k.put("loraMagnitude", "lora_magnitude_vector");
    return k;
  }

  /** DoRA around {@code base}: LoRA's init and {@code m = ‖W‖} per row. */
  public static DoRAAdapter create(Layer base, AdapterConfig config) {
    return PerGroup.ofEach(KIND, base, config, (one, c) -> {
      LowRank.Factors f = LowRank.init(KIND, one, c);
      return new DoRAAdapter(one, f.a(), f.b(),
          DoRAMagnitude.rowNorms(WeightView.of(KIND.name(), one).matrix()), c.scale(),
          c.dropout());
    });
  }

  /** The inner dimension of the factors: {@code B}'s last axis. */
  @Override
  public int rank() {
    return loraB.dim(loraB.ndim() - 1);
  }

  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    WeightView v = view();
    int dims = v.spatialDims();
    DoRAMagnitude.Rows rows = DoRAMagnitude.rows(v.matrix(), loraA, loraB, scale);
    Tensor dropped = AdapterDropout.apply(x, dropout, key);
    Tensor y = v.unbiased(x, v.matrix()).plus(v.lowRank(dropped, loraA, loraB, scale));
    if (dropped == x) {
      y = rows.corrected(y, dims, exact -> v.unbiased(x.stopGradient(), exact));
    }
    y = RowScale.onOutput(y, loraMagnitude.times(rows.inverse()), dims);
    Tensor b = v.bias();
    return b == null ? y : y.plus(RowScale.forOutput(b, dims));
  }

  /** {@code m ⊙ (W + s·B A) / ‖W + s·B A‖}, same type, bias and geometry. */
  @Override
  public Layer merge() {
    if (PerGroup.grouped(base)) {
      return PerGroup.merge(this);
    }
    WeightView v = view();
    return v.withMatrix(DoRAMagnitude.merged(loraMagnitude, v.matrix(), loraA, loraB, scale));
  }

  /** Allowed: the magnitude {@code m} is kept and the direction comes from the new base. */
  @Override
  public void checkNewBase() {}

  /** Unchanged: the direction {@code (W + s·B A)/‖·‖} is computed from the base at each call. */
  @Override
  public LoraWrapper withNewBase() {
    return this;
  }
}
