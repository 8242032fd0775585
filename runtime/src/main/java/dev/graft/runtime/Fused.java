package dev.graft.runtime;

import dev.graft.runtime.kernel.BiasAdd;
import dev.graft.runtime.kernel.LowRankUpdate;
import org.jspecify.annotations.Nullable;

/**
 * Compound operations computed by one fused kernel when the calling thread computes eagerly, and
 * as the equivalent chain of primitives otherwise (under a gradient trace or any other installed
 * interpreter), so a trace still sees every primitive it needs to differentiate.
 */
public final class Fused {
  /** Ranks up to which the fused low-rank update beats a matmul followed by an add. */
  static final int MAX_FUSED_RANK = 32;

  private Fused() {}

  /**
   * {@code W + s·B A} for {@code W (out, in)}, {@code B (out, r)}, {@code A (r, in)}: the dense
   * update a LoRA-style merge folds into a weight. The scale multiplies the smaller factor (so
   * the result is what {@code w.plus(b.times(s).matmul(a))} or {@code
   * w.plus(b.matmul(a.times(s)))} computes); for ranks up to 32, computed eagerly in one pass
   * over {@code W} without a dense temporary.
   *
   * @throws IllegalArgumentException if the shapes do not fit, naming all three
   */
  public static Tensor plusScaledProduct(Tensor w, Tensor b, Tensor a, double scale) {
    int[] ws = w.shapeRef();
    int[] bs = b.shapeRef();
    int[] as = a.shapeRef();
    if (ws.length != 2 || bs.length != 2 || as.length != 2 || bs[0] != ws[0] || as[1] != ws[1]
        || bs[1] != as[0]) {
      throw new IllegalArgumentException("Fused.plusScaledProduct: W " + Shapes.format(ws)
          + ", B " + Shapes.format(bs) + " and A " + Shapes.format(as)
          + " do not fit W + s·B A: expected W (out, in), B (out, r), A (r, in)");
    }
    boolean scaleB = b.size() <= a.size();
    int r = as[0];
    if (Dispatch.current() != Dispatch.eager() || r > MAX_FUSED_RANK || r == 0) {
      Tensor product = scale == 1.0 ? b.matmul(a)
          : scaleB ? b.times((float) scale).matmul(a) : b.matmul(a.times((float) scale));
      return w.plus(product);
    }
    Dispatch.checkTraceThread(Primitive.MATMUL, w, b, a);
    float s = (float) scale;
    float sb = scale == 1.0 || !scaleB ? 1f : s;
    float sa = scale == 1.0 || scaleB ? 1f : s;
    float[] c = LowRankUpdate.plusScaledProduct(w.data(), b.data(), sb, a.data(), sa, ws[0],
        ws[1], r);
    return new Tensor(c, ws.clone());
  }

  /**
   * A dense layer's {@code x Wᵀ + b} for {@code x (..., in)}, {@code W (out, in)} and an optional
   * {@code b (out)}: the same values as {@code x.matmul(w, false, true).plus(b)}. Computed
   * eagerly, the bias is added into the product's fresh result in place instead of into a second
   * array; under a trace, as the two primitives.
   */
  public static Tensor linear(Tensor x, Tensor w, @Nullable Tensor bias) {
    return linear(x, w, bias, false);
  }

  /**
   * {@link #linear(Tensor, Tensor, Tensor)}, then with {@code relu} the rectifier: the same
   * values as {@code ....relu()}, computed eagerly in the same in-place pass as the bias.
   */
  public static Tensor linear(Tensor x, Tensor w, @Nullable Tensor bias, boolean relu) {
    Tensor y = x.matmul(w, false, true);
    boolean eager = Dispatch.current() == Dispatch.eager();
    int[] ys = y.shapeRef();
    if (bias == null) {
      if (!relu) {
        return y;
      }
      if (!eager) {
        return y.relu();
      }
      BiasAdd.reluInPlace(y.data());
      return y;
    }
    int[] bs = bias.shapeRef();
    if (!eager || bs.length != 1 || ys.length == 0 || bs[0] != ys[ys.length - 1]) {
      Tensor z = y.plus(bias);
      return relu ? z.relu() : z;
    }
    Dispatch.checkTraceThread(Primitive.ADD, bias);
    // y is the matmul's own fresh array: nothing else can see it yet.
    BiasAdd.addRowsInPlace(y.data(), bias.data(), bs[0], relu);
    return y;
  }
}
