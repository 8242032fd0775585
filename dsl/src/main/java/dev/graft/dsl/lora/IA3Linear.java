package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Tensor;
import java.util.List;

/**
 * (IA)³ (arXiv 2205.05638) on a {@link Linear}: a learned vector {@code l (out)} rescales the
 * layer's outputs, {@code y = l ⊙ (x Wᵀ + b)}; merges into {@code W' = diag(l) W} and bias {@code
 * l ⊙ b}. Init {@code l = 1}, so it starts as the base. The rank and alpha of the configuration
 * are ignored, and so is dropout (there is no input path). Trains {@code out} parameters.
 *
 * @param base the frozen layer
 * @param ia3L the output scale {@code l (out)}
 */
public record IA3Linear(Linear base, Tensor ia3L) implements LoraWrapper {

  /** Builds (IA)³ adapters for {@link Linear} layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("IA3Linear",
      layer -> layer instanceof Linear,
      (base, config) -> create((Linear) base));

  /** Validates that {@code l} has one value per output. */
  public IA3Linear {
    RowScale.checkVector("IA3Linear", "ia3L", ia3L, base.outFeatures());
  }

  /** (IA)³ around {@code base} with {@code l = 1}. */
  public static IA3Linear create(Linear base) {
    return new IA3Linear(base, Tensor.ones(base.outFeatures()));
  }

  /** {@code l ⊙ base(x)}. */
  @Override
  public Tensor apply(Tensor x) {
    return RowScale.onOutput(base.apply(x), ia3L, 0);
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
