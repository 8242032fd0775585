package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Init;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * LoKr (LyCORIS, arXiv 2309.14859) on a {@link Linear}: the update is a Kronecker product cropped
 * to the weight, {@code W' = W + s·(W1 ⊗ W2)[:out, :in]}, {@code s = α/r}, with trainable {@code
 * W1 (r, r) = 0} and {@code W2 (⌈out/r⌉, ⌈in/r⌉)} kaiming-uniform ({@code a = √5}, fan-in {@code
 * ⌈in/r⌉}). The forward never forms the product (see {@link Kronecker#apply}). Trains {@code r² +
 * ⌈out/r⌉·⌈in/r⌉} parameters; any {@code r ≥ 1}.
 *
 * @param base the frozen layer
 * @param lokrW1 the trainable {@code (r, r)} factor
 * @param lokrW2 the trainable {@code (⌈out/r⌉, ⌈in/r⌉)} factor
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record LoKrLinear(Linear base, Tensor lokrW1, Tensor lokrW2, double scale, double dropout)
    implements LoraWrapper {

  /** Builds LoKr adapters for {@link Linear} layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("LoKrLinear",
      layer -> layer instanceof Linear,
      (base, config) -> create((Linear) base, config));

  /** Validates the factor shapes against the base. */
  public LoKrLinear {
    checkFactors("LoKrLinear", lokrW1, lokrW2, base.outFeatures(), base.inFeatures());
  }

  /** LoKr around {@code base}: {@code W1 = 0}, {@code W2} kaiming-uniform from the config's key. */
  public static LoKrLinear create(Linear base, AdapterConfig config) {
    Factors f = init("LoKrLinear", base.outFeatures(), base.inFeatures(), config);
    return new LoKrLinear(base, f.w1(), f.w2(), config.scale(), config.dropout());
  }

  /** LoKr's two factors. */
  record Factors(Tensor w1, Tensor w2) {}

  /** LoKr's initial {@code W1 = 0} and kaiming-uniform {@code W2} for a base {@code (out, in)}. */
  static Factors init(String adapter, int out, int in, AdapterConfig config) {
    int r = config.rank();
    LowRank.checkRank(adapter, r);
    int p = Kronecker.blocks(out, r);
    int q = Kronecker.blocks(in, r);
    return new Factors(Tensor.zeros(r, r),
        Init.kaimingUniform(config.key(), Math.sqrt(5.0), q, p, q));
  }

  /** Checks {@code W1 (r, r)} and {@code W2 (⌈out/r⌉, ⌈in/r⌉)}. */
  static void checkFactors(String adapter, Tensor w1, Tensor w2, int out, int in) {
    int r = w1.ndim() == 2 ? w1.dim(0) : 0;
    if (r < 1) {
      throw new IllegalArgumentException(adapter + ": lokrW1 must be (r, r) with r >= 1, got "
          + Shapes.format(w1.shape()));
    }
    FieldShapes.check(adapter, "lokrW1", w1, r, r);
    FieldShapes.check(adapter, "lokrW2", w2, Kronecker.blocks(out, r), Kronecker.blocks(in, r));
  }

  @Override
  public Tensor apply(Tensor x) {
    return apply(x, null);
  }

  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    Tensor h = Kronecker.apply(AdapterDropout.apply(x, dropout, key), lokrW1, lokrW2,
        base.outFeatures());
    return base.apply(x).plus(h.times((float) scale));
  }

  @Override
  public Layer merge() {
    return base.withWeight(base.weight().plus(Kronecker.cropped(lokrW1, lokrW2,
        base.outFeatures(), base.inFeatures()).times((float) scale)));
  }

  @Override
  public List<String> adapterFields() {
    return List.of("lokrW1", "lokrW2");
  }
}
