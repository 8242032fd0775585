package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.ConvLayer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * DoRA (arXiv 2402.09353) on a {@link ConvLayer} (Conv1d/2d/3d), on the kernel seen as {@code W_f
 * (out, flat_in)}: {@code W_f' = m ⊙ (W_f + s·B A) / ‖W_f + s·B A‖}, the norm per output channel
 * (over every kernel axis but the first), {@code s = α/r}.
 *
 * <p>Forward: {@code y = (m / ‖·‖) ⊙ (conv(x, W) + s·up(down(x))) + b} per output channel, the
 * low-rank path run factored as in {@link LoRAConv} and the norm treated as a constant in the
 * backward pass and computed from the factors ({@link DoRAMagnitude#rowNormsOfSum}). Dropout
 * acts on the input of the low-rank path. Init: {@code A (r, flat_in)} kaiming-uniform (bound {@code
 * 1/√flat_in}), {@code B (out, r)} zero, {@code m = ‖W_f‖} per channel. Trains {@code A}, {@code
 * B}, {@code m}: {@code r·(flat_in + out) + out} parameters.
 *
 * @param base the frozen conv layer
 * @param loraA {@code (r, flat_in)}
 * @param loraB {@code (out, r)}
 * @param loraMagnitude the magnitude {@code m (out)}
 * @param scale {@code α / r}
 * @param dropout dropout rate on the low-rank path's input while training
 */
public record DoRAConv(ConvLayer base, Tensor loraA, Tensor loraB, Tensor loraMagnitude,
    double scale, double dropout) implements BaseDerived {

  /** Builds DoRA adapters for Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("DoRAConv",
      layer -> layer instanceof ConvLayer,
      (base, config) -> create((ConvLayer) base, config));

  /** Validates the factor and magnitude shapes against the base. */
  public DoRAConv {
    LowRank.checkFactors("DoRAConv", loraA, loraB, base.outChannels(), ConvLowRank.flatIn(base));
    RowScale.checkVector("DoRAConv", "loraMagnitude", loraMagnitude, base.outChannels());
  }

  /** DoRA around {@code base}: LoRA's init and {@code m = ‖W_f‖} per output channel. */
  public static DoRAConv create(ConvLayer base, AdapterConfig config) {
    LowRank.Factors f = LowRank.init("DoRAConv", base.outChannels(), ConvLowRank.flatIn(base),
        config);
    return new DoRAConv(base, f.a(), f.b(), DoRAMagnitude.rowNorms(ConvLowRank.flatWeight(base)),
        config.scale(), config.dropout());
  }

  @Override
  public Tensor apply(Tensor x) {
    return apply(x, null);
  }

  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    int dims = base.spatialDims();
    DoRAMagnitude.Rows rows = DoRAMagnitude.rows(ConvLowRank.flatWeight(base), loraA, loraB,
        scale);
    Tensor dropped = AdapterDropout.apply(x, dropout, key);
    Tensor y = base.convolve(x, base.weight())
        .plus(ConvLowRank.delta(base, dropped, loraA, loraB, scale));
    if (dropped == x) {
      y = rows.corrected(y, dims,
          exact -> base.convolve(x.stopGradient(), ConvLowRank.asKernel(base, exact)));
    }
    y = RowScale.onOutput(y, loraMagnitude.times(rows.inverse()), dims);
    Tensor b = base.bias();
    return b == null ? y : y.plus(RowScale.forOutput(b, dims));
  }

  @Override
  public Layer merge() {
    Tensor flat = DoRAMagnitude.merged(loraMagnitude, ConvLowRank.flatWeight(base), loraA, loraB,
        scale);
    return base.withWeight(ConvLowRank.asKernel(base, flat));
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
