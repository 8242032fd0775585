package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * DoRA (arXiv 2402.09353) on a {@link Linear}: the weight split into a magnitude {@code m (out)}
 * and a direction that LoRA updates, {@code W' = m ⊙ (W + s·B A) / ‖W + s·B A‖} with the norm
 * taken per output row and {@code s = α/r}.
 *
 * <p>Forward: {@code y = (m / ‖W + s·B A‖) ⊙ (x Wᵀ + s·(x Aᵀ) Bᵀ) + b}, the norm treated as a
 * constant in the backward pass (§4.3 of the paper, as in PEFT) and computed from the factors
 * ({@link DoRAMagnitude#rowNormsOfSum}); a row with no direction (a zero row) outputs zero.
 * Dropout acts on the input of the low-rank path. Init: {@code A (r, in)} kaiming-uniform (bound {@code 1/√in}), {@code B (out, r)}
 * zero, {@code m = ‖W‖} per row, so it starts as the base. Trains {@code A}, {@code B}, {@code m}:
 * {@code r·(in + out) + out} parameters.
 *
 * @param base the frozen layer
 * @param loraA the down projection {@code (r, in)}
 * @param loraB the up projection {@code (out, r)}
 * @param loraMagnitude the magnitude {@code m (out)}
 * @param scale {@code α / r}
 * @param dropout dropout rate on the low-rank path's input while training
 */
public record DoRALinear(Linear base, Tensor loraA, Tensor loraB, Tensor loraMagnitude,
    double scale, double dropout) implements BaseDerived {

  /** Builds DoRA adapters for {@link Linear} layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("DoRALinear",
      layer -> layer instanceof Linear,
      (base, config) -> create((Linear) base, config));

  /** Validates the factor and magnitude shapes against the base. */
  public DoRALinear {
    LowRank.checkFactors("DoRALinear", loraA, loraB, base.outFeatures(), base.inFeatures());
    RowScale.checkVector("DoRALinear", "loraMagnitude", loraMagnitude, base.outFeatures());
  }

  /** DoRA around {@code base}: LoRA's init and {@code m = ‖W‖} per row. */
  public static DoRALinear create(Linear base, AdapterConfig config) {
    LowRank.Factors f = LowRank.init("DoRALinear", base.outFeatures(), base.inFeatures(), config);
    return new DoRALinear(base, f.a(), f.b(), DoRAMagnitude.rowNorms(base.weight()),
        config.scale(), config.dropout());
  }

  @Override
  public Tensor apply(Tensor x) {
    return apply(x, null);
  }

  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    Tensor w = base.weight();
    DoRAMagnitude.Rows rows = DoRAMagnitude.rows(w, loraA, loraB, scale);
    Tensor dropped = AdapterDropout.apply(x, dropout, key);
    Tensor y = base.withParams(w, null).apply(x)
        .plus(LowRank.delta(dropped, loraA, loraB, scale));
    if (dropped == x) {
      y = rows.corrected(y, 0, exact -> x.stopGradient().matmul(exact, false, true));
    }
    y = RowScale.onOutput(y, loraMagnitude.times(rows.inverse()), 0);
    Tensor b = base.bias();
    return b == null ? y : y.plus(b);
  }

  @Override
  public Layer merge() {
    return base.withWeight(DoRAMagnitude.merged(loraMagnitude, base.weight(), loraA, loraB,
        scale));
  }

  @Override
  public List<String> adapterFields() {
    return List.of("loraA", "loraB", "loraMagnitude");
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
