package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Init;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * LoKr (LyCORIS, arXiv 2309.14859) on a Linear or a Conv1d/2d/3d: the weight seen as {@code W
 * (out, in)} becomes {@code W + s·(W1 ⊗ W2)[:out, :in]}, a Kronecker product cropped to the
 * weight, {@code s = α/r}, with trainable {@code W1 (r, r) = 0} and {@code W2 (⌈out/r⌉, ⌈in/r⌉)}
 * kaiming-uniform. On a Linear the forward never forms the product ({@link Kronecker#apply}); on a
 * conv it forms the cropped update once per call and convolves with {@code W + ΔW} (or, with
 * dropout while training, adds a convolution of the dropped-out input with {@code ΔW}). Trains
 * {@code r² + ⌈out/r⌉·⌈in/r⌉} parameters; any {@code r ≥ 1}. Its update can have full rank.
 *
 * @param base the frozen layer
 * @param lokrW1 the trainable {@code (r, r)} factor
 * @param lokrW2 the trainable {@code (⌈out/r⌉, ⌈in/r⌉)} factor
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record LoKrAdapter(Layer base, Tensor lokrW1, Tensor lokrW2, double scale, double dropout)
    implements ScaledAdapter {

  /** LoKr's description: both factors train; only Graft reads the cropped form. */
  public static final AdapterKind KIND = AdapterKind.of("LoKr", LoKrAdapter.class,
      List.of("lokrW1", "lokrW2"), PeftForm.graftOnly("lokr", false, "the zoo's LoKr crops W1"
          + " (r, r) kron W2 to the weight; PEFT's LoKr factors each side of the weight (use"
          + " PeftLoKrLinear for a PEFT-compatible LoKr)",
          Map.of("lokrW1", "lokr_w1", "lokrW2", "lokr_w2")), LoKrAdapter::create);

  /** Builds LoKr adapters for Linear and Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = KIND.factory();

  /** Validates {@code W1 (r, r)} and {@code W2 (⌈out/r⌉, ⌈in/r⌉)} against the base. */
  public LoKrAdapter {
    WeightView v = WeightView.of(KIND.name(), base);
    int[] w1 = v.perMatrix(KIND.name(), "lokrW1", lokrW1);
    int r = w1.length == 2 ? w1[0] : 0;
    if (r < 1) {
      throw new IllegalArgumentException(KIND.name() + ": lokrW1 must be (r, r) with r >= 1, got "
          + Shapes.format(w1));
    }
    FieldShapes.check(KIND.name(), v, "lokrW1", lokrW1, r, r);
    FieldShapes.check(KIND.name(), v, "lokrW2", lokrW2, Kronecker.blocks(v.out(), r),
        Kronecker.blocks(v.in(), r));
  }

  /** LoKr around {@code base}: {@code W1 = 0}, {@code W2} kaiming-uniform from the config's key. */
  public static LoKrAdapter create(Layer base, AdapterConfig config) {
    return PerGroup.ofEach(KIND, base, config, (one, c) -> {
      WeightView v = WeightView.of(KIND.name(), one);
      int r = c.rank();
      LowRank.checkRank(KIND.name(), r);
      int p = Kronecker.blocks(v.out(), r);
      int q = Kronecker.blocks(v.in(), r);
      return new LoKrAdapter(one, Tensor.zeros(r, r),
          Init.kaimingUniform(c.key(), Math.sqrt(5.0), q, p, q), c.scale(), c.dropout());
    });
  }

  /** The size of {@code W1}: its last axis. */
  @Override
  public int rank() {
    return lokrW1.dim(lokrW1.ndim() - 1);
  }

  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    WeightView v = view();
    Tensor dropped = AdapterDropout.apply(x, dropout, key);
    if (!(v instanceof WeightView.OfConv)) { // a Linear (a GroupedLinear refuses: no groups)
      return base.apply(x).plus(Kronecker.apply(dropped, lokrW1, lokrW2, v.out())
          .times((float) scale));
    }
    Tensor delta = delta(v);
    if (dropped == x) {
      return v.plus(delta).apply(x);
    }
    return base.apply(x).plus(v.unbiased(dropped, delta));
  }

  /** {@code W + s·(W1 ⊗ W2)[:out, :in]}. */
  @Override
  public Layer merge() {
    if (PerGroup.grouped(base)) {
      return PerGroup.merge(this);
    }
    WeightView v = view();
    return v.plus(delta(v));
  }

  /** {@code s·(W1 ⊗ W2)[:out, :in]}. */
  private Tensor delta(WeightView v) {
    return Kronecker.cropped(lokrW1, lokrW2, v.out(), v.in()).times((float) scale);
  }
}
