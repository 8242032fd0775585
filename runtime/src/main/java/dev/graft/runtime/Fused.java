package dev.graft.runtime;

import dev.graft.runtime.kernel.Matmul;
import dev.graft.runtime.kernel.MatmulEpilogue;
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
   * eagerly, one GEMM adds the bias to each block of its output while the block is in cache (the
   * kernel's epilogue, {@code MatmulEpilogue}) instead of a second array and pass; under a trace,
   * as the two primitives.
   */
  public static Tensor linear(Tensor x, Tensor w, @Nullable Tensor bias) {
    return linear(x, w, bias, false);
  }

  /**
   * {@link #linear(Tensor, Tensor, Tensor)}, then with {@code relu} the rectifier: the same
   * values as {@code ....relu()}, computed eagerly in the same epilogue as the bias.
   */
  public static Tensor linear(Tensor x, Tensor w, @Nullable Tensor bias, boolean relu) {
    int[] xs = x.shapeRef();
    int[] ws = w.shapeRef();
    boolean fits = xs.length >= 1 && ws.length == 2 && ws[1] > 0 && xs[xs.length - 1] == ws[1]
        && (bias == null || (bias.shapeRef().length == 1 && bias.shapeRef()[0] == ws[0]));
    if (Dispatch.current() != Dispatch.eager() || !fits || xs.length < 2) {
      Tensor y = x.matmul(w, false, true);
      Tensor z = bias == null ? y : y.plus(bias);
      return relu ? z.relu() : z;
    }
    Dispatch.checkTraceThread(Primitive.MATMUL, x, w);
    if (bias != null) {
      Dispatch.checkTraceThread(Primitive.ADD, bias);
    }
    // One GEMM writes x·Wᵀ into a fresh array and adds the bias (and the rectifier) to each block
    // of it while the block is in cache: no second array, no second pass.
    int in = ws[1];
    int out = ws[0];
    int rows = Math.toIntExact(x.size() / in);
    int[] ys = xs.clone();
    ys[ys.length - 1] = out;
    float[] c = new float[Math.multiplyExact(rows, out)];
    MatmulEpilogue epilogue =
        bias == null ? MatmulEpilogue.NONE : MatmulEpilogue.bias(bias.data(), 0);
    if (relu) {
      epilogue = epilogue.then(MatmulEpilogue.Activation.RELU);
    }
    Matmul.gemm(rows, out, in, x.data(), 0, false, w.data(), 0, true, c, 0, false, epilogue);
    return new Tensor(c, ys);
  }
}
