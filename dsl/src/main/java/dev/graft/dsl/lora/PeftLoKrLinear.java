package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Init;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * LoKr exactly as Hugging Face PEFT parametrizes it ({@code LoKrConfig}, keys {@code lokr_w1},
 * {@code lokr_w1_a}, {@code lokr_w1_b}, {@code lokr_w2}, {@code lokr_w2_a}, {@code lokr_w2_b}),
 * on a {@link Linear}: {@code W' = W + s·(W1 ⊗ W2)}, {@code s = α/r}, where {@code out = a·b} and
 * {@code in = c·d} come from {@link PeftLoKr#factorization}, {@code W1 (a, c)} is {@code lokrW1}
 * or {@code lokrW1A (a, r) · lokrW1B (r, c)}, and {@code W2 (b, d)} is {@code lokrW2} or {@code
 * lokrW2A (b, r) · lokrW2B (r, d)} (which form: {@link PeftLoKr#fullW1}, {@link
 * PeftLoKr#fullW2}). Unlike the zoo's {@link LoKrAdapter} nothing is cropped: the Kronecker
 * product has the base's exact shape. Initialization is PEFT's default ({@code init_weights =
 * True}): {@code W1} (or {@code W1_a}) zero, the other factors kaiming-uniform ({@code a = √5}),
 * so the layer starts as the base. PEFT's {@code rank_dropout} and {@code module_dropout} are not
 * modelled (they act only while training). The forward never forms the product: {@code x} is
 * viewed as {@code X (..., c, d)} and {@code W1 X W2ᵀ (..., a, b)} flattened.
 *
 * @param base the frozen layer
 * @param lokrW1 the whole {@code W1 (a, c)}, or null when factored
 * @param lokrW1A {@code W1}'s left factor {@code (a, r)}, or null
 * @param lokrW1B {@code W1}'s right factor {@code (r, c)}, or null
 * @param lokrW2 the whole {@code W2 (b, d)}, or null when factored
 * @param lokrW2A {@code W2}'s left factor {@code (b, r)}, or null
 * @param lokrW2B {@code W2}'s right factor {@code (r, d)}, or null
 * @param rank PEFT's {@code r} (it sets the scale even when no factor is low-rank)
 * @param scale {@code α / r}
 */
public record PeftLoKrLinear(Linear base, @Nullable Tensor lokrW1, @Nullable Tensor lokrW1A,
    @Nullable Tensor lokrW1B, @Nullable Tensor lokrW2, @Nullable Tensor lokrW2A,
    @Nullable Tensor lokrW2B, int rank, double scale) implements PeftLoKrForm {

  /** PEFT's defaults: {@code decompose_both = False}, {@code decompose_factor = -1}. */
  public static final AdapterFactory FACTORY = factory(false, -1);

  /**
   * Builds PEFT-form LoKr adapters for {@link Linear} layers with PEFT's {@code decompose_both}
   * and {@code decompose_factor}.
   */
  public static AdapterFactory factory(boolean decomposeBoth, int decomposeFactor) {
    return PeftLoKr.factory("PeftLoKrLinear", Linear.class, decomposeFactor,
        (base, config) -> create((Linear) base, config, decomposeBoth, decomposeFactor));
  }

  /** Validates which factors are present and their shapes against the base. */
  public PeftLoKrLinear {
    LowRank.checkRank("PeftLoKrLinear", rank);
    int[] w1 = side("W1", lokrW1, lokrW1A, lokrW1B, rank);
    int[] w2 = side("W2", lokrW2, lokrW2A, lokrW2B, rank);
    if (w1[0] * w2[0] != base.outFeatures() || w1[1] * w2[1] != base.inFeatures()) {
      throw new IllegalArgumentException("PeftLoKrLinear: W1 " + Shapes.format(w1) + " ⊗ W2 "
          + Shapes.format(w2) + " is (" + w1[0] * w2[0] + ", " + w1[1] * w2[1] + "), but the base"
          + " is (" + base.outFeatures() + ", " + base.inFeatures() + ")");
    }
  }

  /** PEFT-form LoKr around {@code base} with PEFT's shapes and default initialization. */
  public static PeftLoKrLinear create(Linear base, AdapterConfig config, boolean decomposeBoth,
      int decomposeFactor) {
    int r = config.rank();
    LowRank.checkRank("PeftLoKrLinear", r);
    int[] o = PeftLoKr.factorization(base.outFeatures(), decomposeFactor);
    int[] i = PeftLoKr.factorization(base.inFeatures(), decomposeFactor);
    int a = o[0];
    int b = o[1];
    int c = i[0];
    int d = i[1];
    Key k = config.key();
    Tensor w1 = null;
    Tensor w1a = null;
    Tensor w1b = null;
    if (PeftLoKr.fullW1(r, a, c, decomposeBoth)) {
      w1 = Tensor.zeros(a, c);
    } else {
      w1a = Tensor.zeros(a, r);
      w1b = Init.kaimingUniform(k.foldIn(0), Math.sqrt(5.0), c, r, c);
    }
    Tensor w2 = null;
    Tensor w2a = null;
    Tensor w2b = null;
    if (PeftLoKr.fullW2(r, b, d)) {
      w2 = Init.kaimingUniform(k.foldIn(1), Math.sqrt(5.0), d, b, d);
    } else {
      w2a = Init.kaimingUniform(k.foldIn(2), Math.sqrt(5.0), r, b, r);
      w2b = Init.kaimingUniform(k.foldIn(3), Math.sqrt(5.0), d, r, d);
    }
    return new PeftLoKrLinear(base, w1, w1a, w1b, w2, w2a, w2b, r, config.scale());
  }

  /** {@code W1 (a, c)}, formed from its factors when factored. */
  public Tensor w1() {
    return lokrW1 != null ? lokrW1 : lokrW1A.matmul(lokrW1B);
  }

  /** {@code W2 (b, d)}, formed from its factors when factored. */
  public Tensor w2() {
    return lokrW2 != null ? lokrW2 : lokrW2A.matmul(lokrW2B);
  }

  /** {@code s·(W1 ⊗ W2)}, the dense {@code (out, in)} update. */
  @Override
  public Tensor delta() {
    Tensor w1 = w1();
    Tensor w2 = w2();
    int a = w1.dim(0);
    int c = w1.dim(1);
    int b = w2.dim(0);
    int d = w2.dim(1);
    return w1.reshape(a, 1, c, 1).times(w2.reshape(1, b, 1, d)).reshape(a * b, c * d)
        .times((float) scale);
  }

  @Override
  public Tensor apply(Tensor x) {
    Tensor w1 = w1();
    Tensor w2 = w2();
    int[] s = x.shape();
    int last = s.length - 1;
    int[] xs = java.util.Arrays.copyOf(s, s.length + 1);
    xs[last] = w1.dim(1);
    xs[last + 1] = w2.dim(1);
    Tensor y = w1.matmul(x.reshape(xs)).matmul(w2, false, true);       // (..., a, b)
    int[] ys = s.clone();
    ys[last] = base.outFeatures();
    return base.apply(x).plus(y.reshape(ys).times((float) scale));
  }

  @Override
  public Layer merge() {
    return base.withWeight(base.weight().plus(delta()));
  }

  /** The {@code (rows, cols)} of one Kronecker factor given whole or as two rank-r factors. */
  private static int[] side(String name, @Nullable Tensor whole, @Nullable Tensor left,
      @Nullable Tensor right, int rank) {
    String lower = name.equals("W1") ? "lokrW1" : "lokrW2";
    if (whole != null) {
      if (left != null || right != null) {
        throw new IllegalArgumentException("PeftLoKrLinear: " + name + " is given whole and as"
            + " factors; give " + lower + " or " + lower + "A and " + lower + "B");
      }
      if (whole.ndim() != 2) {
        throw new IllegalArgumentException("PeftLoKrLinear: " + lower + " must be a matrix, got "
            + Shapes.format(whole.shape()));
      }
      return whole.shape();
    }
    if (left == null || right == null) {
      throw new IllegalArgumentException("PeftLoKrLinear: " + name + " needs " + lower + " or both "
          + lower + "A and " + lower + "B");
    }
    if (left.ndim() != 2 || right.ndim() != 2) {
      throw new IllegalArgumentException("PeftLoKrLinear: " + lower + "A and " + lower + "B must be"
          + " matrices, got " + Shapes.format(left.shape()) + " and "
          + Shapes.format(right.shape()));
    }
    FieldShapes.check("PeftLoKrLinear", lower + "A", left, left.dim(0), rank);
    FieldShapes.check("PeftLoKrLinear", lower + "B", right, rank, right.dim(1));
    return new int[] {left.dim(0), right.dim(1)};
  }
}
