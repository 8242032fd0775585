package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.ConvLayer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * LoKr (LyCORIS, arXiv 2309.14859) on a {@link ConvLayer} (Conv1d/2d/3d): the kernel seen as
 * {@code W_f (out, flat_in)} becomes {@code W_f + s·(W1 ⊗ W2)[:out, :flat_in]}, {@code s = α/r},
 * with trainable {@code W1 (r, r) = 0} and {@code W2 (⌈out/r⌉, ⌈flat_in/r⌉)} kaiming-uniform. The
 * forward forms the {@code (out, flat_in)} update once per call and convolves with {@code W + ΔW}
 * (or, with dropout while training, adds a convolution of the dropped-out input with {@code ΔW}).
 * Trains {@code r² + ⌈out/r⌉·⌈flat_in/r⌉} parameters; any {@code r ≥ 1}.
 *
 * @param base the frozen conv layer
 * @param lokrW1 the trainable {@code (r, r)} factor
 * @param lokrW2 the trainable {@code (⌈out/r⌉, ⌈flat_in/r⌉)} factor
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record LoKrConv(ConvLayer base, Tensor lokrW1, Tensor lokrW2, double scale, double dropout)
    implements LoraWrapper {

  /** Builds LoKr adapters for Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("LoKrConv",
      layer -> layer instanceof ConvLayer,
      (base, config) -> create((ConvLayer) base, config));

  /** Validates the factor shapes against the base. */
  public LoKrConv {
    LoKrLinear.checkFactors("LoKrConv", lokrW1, lokrW2, base.outChannels(),
        ConvLowRank.flatIn(base));
  }

  /** LoKr around {@code base}: {@code W1 = 0}, {@code W2} kaiming-uniform from the config's key. */
  public static LoKrConv create(ConvLayer base, AdapterConfig config) {
    LoKrLinear.Factors f = LoKrLinear.init("LoKrConv", base.outChannels(),
        ConvLowRank.flatIn(base), config);
    return new LoKrConv(base, f.w1(), f.w2(), config.scale(), config.dropout());
  }

  @Override
  public Tensor apply(Tensor x) {
    return apply(x, null);
  }

  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    Tensor delta = ConvLowRank.asKernel(base, flatDelta());
    Tensor dropped = AdapterDropout.apply(x, dropout, key);
    if (dropped == x) {
      return base.withWeight(base.weight().plus(delta)).apply(x);
    }
    return base.apply(x).plus(base.convolve(dropped, delta));
  }

  @Override
  public Layer merge() {
    return ConvLowRank.mergeDelta(base, flatDelta());
  }

  /** {@code s·(W1 ⊗ W2)[:out, :flat_in]}. */
  private Tensor flatDelta() {
    return Kronecker.cropped(lokrW1, lokrW2, base.outChannels(), ConvLowRank.flatIn(base))
        .times((float) scale);
  }

  @Override
  public List<String> adapterFields() {
    return List.of("lokrW1", "lokrW2");
  }
}
