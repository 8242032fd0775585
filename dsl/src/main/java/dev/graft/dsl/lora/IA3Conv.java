package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.ConvLayer;
import dev.graft.runtime.Tensor;
import java.util.List;

/**
 * (IA)³ (arXiv 2205.05638) on a {@link ConvLayer} (Conv1d/2d/3d): a learned vector {@code l (out)}
 * rescales each output channel, {@code y = l ⊙ (conv(x, W) + b)}; merges into the kernel {@code
 * W'[o] = l[o]·W[o]} and bias {@code l ⊙ b}. Init {@code l = 1}, so it starts as the base. The
 * rank and alpha of the configuration are ignored, and so is dropout (there is no input path).
 * Trains {@code out} parameters.
 *
 * @param base the frozen conv layer
 * @param ia3L the output-channel scale {@code l (out)}
 */
public record IA3Conv(ConvLayer base, Tensor ia3L) implements LoraWrapper {

  /** Builds (IA)³ adapters for Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("IA3Conv",
      layer -> layer instanceof ConvLayer,
      (base, config) -> create((ConvLayer) base));

  /** Validates that {@code l} has one value per output channel. */
  public IA3Conv {
    RowScale.checkVector("IA3Conv", "ia3L", ia3L, base.outChannels());
  }

  /** (IA)³ around {@code base} with {@code l = 1}. */
  public static IA3Conv create(ConvLayer base) {
    return new IA3Conv(base, Tensor.ones(base.outChannels()));
  }

  /** {@code l ⊙ base(x)} per output channel. */
  @Override
  public Tensor apply(Tensor x) {
    return RowScale.onOutput(base.apply(x), ia3L, base.spatialDims());
  }

  @Override
  public Layer merge() {
    Tensor b = base.bias();
    return base.withParams(RowScale.onRows(base.weight(), ia3L), b == null ? null : b.times(ia3L));
  }

  @Override
  public List<String> adapterFields() {
    return List.of("ia3L");
  }
}
