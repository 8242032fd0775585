package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.ConvLayer;
import dev.graft.runtime.Init;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * {@link PeftLoKrLinear}'s parametrization on a convolution, as PEFT stores it for {@code
 * Conv1d} / {@code Conv2d} (without {@code use_effective_conv2d}): for a kernel {@code (out,
 * in/groups, *k)}, {@code out = a·b} and {@code in/groups = c·d} by {@link PeftLoKr#factorization},
 * {@code W1 (a, c)} whole or {@code lokrW1A (a, r) · lokrW1B (r, c)}, and {@code W2} whole as
 * {@code lokrW2 (b, d, *k)} or factored as {@code lokrW2A (b, r) · lokrW2B (r, d·prod(k))}
 * (viewed as {@code (b, d, *k)}); the change of the kernel is {@code s·(W1 ⊗ W2)}, the Kronecker
 * product over the two channel axes, {@code s = α/r}. Forward and merge use the changed kernel
 * {@code W + s·(W1 ⊗ W2)} with the base's stride, padding, dilation and groups. PEFT itself
 * reads this form on Conv1d and Conv2d only.
 *
 * @param base the frozen convolution
 * @param lokrW1 the whole {@code W1 (a, c)}, or null when factored
 * @param lokrW1A {@code (a, r)}, or null
 * @param lokrW1B {@code (r, c)}, or null
 * @param lokrW2 the whole {@code W2 (b, d, *k)}, or null when factored
 * @param lokrW2A {@code (b, r)}, or null
 * @param lokrW2B {@code (r, d·prod(k))}, or null
 * @param rank PEFT's {@code r}
 * @param scale {@code α / r}
 */
public record PeftLoKrConv(ConvLayer base, @Nullable Tensor lokrW1, @Nullable Tensor lokrW1A,
    @Nullable Tensor lokrW1B, @Nullable Tensor lokrW2, @Nullable Tensor lokrW2A,
    @Nullable Tensor lokrW2B, int rank, double scale) implements PeftLoKrForm {

  /** PEFT's defaults: {@code decompose_both = False}, {@code decompose_factor = -1}. */
  public static final AdapterFactory FACTORY = factory(false, -1);

  /** Builds PEFT-form LoKr adapters for convolutions. */
  public static AdapterFactory factory(boolean decomposeBoth, int decomposeFactor) {
    return PeftLoKr.factory("PeftLoKrConv", ConvLayer.class, decomposeFactor,
        (base, config) -> create((ConvLayer) base, config, decomposeBoth, decomposeFactor));
  }

  /** Validates which factors are present and their shapes against the kernel. */
  public PeftLoKrConv {
    LowRank.checkRank("PeftLoKrConv", rank);
    int[] w = base.weight().shape();
    int[] kernel = Arrays.copyOfRange(w, 2, w.length);
    int[] w1 = twoFactors("lokrW1", lokrW1, lokrW1A, lokrW1B, rank, 1);
    int[] w2 = twoFactors("lokrW2", lokrW2, lokrW2A, lokrW2B, rank, Shapes.size(kernel));
    if (lokrW2 != null && !Arrays.equals(Arrays.copyOfRange(lokrW2.shape(), 2,
        lokrW2.ndim()), kernel)) {
      throw new IllegalArgumentException("PeftLoKrConv: lokrW2 " + Shapes.format(lokrW2.shape())
          + " must end in the kernel " + Shapes.format(kernel));
    }
    if (w1[0] * w2[0] != w[0] || w1[1] * w2[1] != w[1]) {
      throw new IllegalArgumentException("PeftLoKrConv: W1 (" + w1[0] + ", " + w1[1] + ") ⊗ W2 ("
          + w2[0] + ", " + w2[1] + ", *k) does not give the kernel's channels (" + w[0] + ", "
          + w[1] + ")");
    }
  }

  /** PEFT-form LoKr around {@code base} with PEFT's shapes and default initialization. */
  public static PeftLoKrConv create(ConvLayer base, AdapterConfig config, boolean decomposeBoth,
      int decomposeFactor) {
    int r = config.rank();
    LowRank.checkRank("PeftLoKrConv", r);
    int[] w = base.weight().shape();
    int[] kernel = Arrays.copyOfRange(w, 2, w.length);
    int kk = Shapes.size(kernel);
    int[] o = PeftLoKr.factorization(w[0], decomposeFactor);
    int[] i = PeftLoKr.factorization(w[1], decomposeFactor);
    Key k = config.key();
    Tensor w1 = null;
    Tensor w1a = null;
    Tensor w1b = null;
    if (PeftLoKr.fullW1(r, o[0], i[0], decomposeBoth)) {
      w1 = Tensor.zeros(o[0], i[0]);
    } else {
      w1a = Tensor.zeros(o[0], r);
      w1b = Init.kaimingUniform(k.foldIn(0), Math.sqrt(5.0), i[0], r, i[0]);
    }
    Tensor w2 = null;
    Tensor w2a = null;
    Tensor w2b = null;
    if (PeftLoKr.fullW2(r, o[1], i[1])) {
      int[] shape = new int[2 + kernel.length];
      shape[0] = o[1];
      shape[1] = i[1];
      System.arraycopy(kernel, 0, shape, 2, kernel.length);
      w2 = Init.kaimingUniform(k.foldIn(1), Math.sqrt(5.0), i[1] * kk, shape);
    } else {
      w2a = Init.kaimingUniform(k.foldIn(2), Math.sqrt(5.0), r, o[1], r);
      w2b = Init.kaimingUniform(k.foldIn(3), Math.sqrt(5.0), i[1] * kk, r, i[1] * kk);
    }
    return new PeftLoKrConv(base, w1, w1a, w1b, w2, w2a, w2b, r, config.scale());
  }

  /** {@code s·(W1 ⊗ W2)}, the change of the kernel, {@code (out, in/groups, *k)}. */
  @Override
  public Tensor delta() {
    int[] w = base.weight().shape();
    Tensor w1 = lokrW1 != null ? lokrW1 : lokrW1A.matmul(lokrW1B);
    int a = w1.dim(0);
    int c = w1.dim(1);
    int b = w[0] / a;
    int d = w[1] / c;
    int kk = Shapes.size(Arrays.copyOfRange(w, 2, w.length));
    Tensor w2 = lokrW2 != null ? lokrW2.reshape(b, d, kk) : lokrW2A.matmul(lokrW2B)
        .reshape(b, d, kk);
    return w1.reshape(a, 1, c, 1, 1).times(w2.reshape(1, b, 1, d, kk)).reshape(w)
        .times((float) scale);
  }

  @Override
  public Tensor apply(Tensor x) {
    return base.withWeight(base.weight().plus(delta())).apply(x);
  }

  @Override
  public Layer merge() {
    return base.withWeight(base.weight().plus(delta()));
  }

  /**
   * The {@code (rows, cols)} of a factor given whole ({@code (rows, cols, ...)}) or as {@code
   * left (rows, r) · right (r, cols·extra)}.
   */
  private static int[] twoFactors(String name, @Nullable Tensor whole, @Nullable Tensor left,
      @Nullable Tensor right, int rank, int extra) {
    if (whole != null) {
      if (left != null || right != null || whole.ndim() < 2) {
        throw new IllegalArgumentException("PeftLoKrConv: give " + name + " (at least 2 axes) or "
            + name + "A and " + name + "B, not both");
      }
      return new int[] {whole.dim(0), whole.dim(1)};
    }
    if (left == null || right == null || left.ndim() != 2 || right.ndim() != 2) {
      throw new IllegalArgumentException("PeftLoKrConv: " + name + " needs " + name + " or both "
          + name + "A and " + name + "B as matrices");
    }
    FieldShapes.check("PeftLoKrConv", name + "A", left, left.dim(0), rank);
    if (right.dim(0) != rank || right.dim(1) % extra != 0) {
      throw new IllegalArgumentException("PeftLoKrConv: " + name + "B has shape "
          + Shapes.format(right.shape()) + ", expected (" + rank + ", cols·" + extra + ")");
    }
    return new int[] {left.dim(0), right.dim(1) / extra};
  }
}
