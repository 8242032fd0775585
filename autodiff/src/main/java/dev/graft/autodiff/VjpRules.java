package dev.graft.autodiff;

import dev.graft.runtime.Dispatch;
import dev.graft.runtime.Params;
import dev.graft.runtime.Primitive;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one place that says how every {@link Primitive} is differentiated: a {@link VjpRule} per
 * primitive. Pullbacks build their results with ordinary tensor operations, so they run under
 * whatever interpreter is current during the backward pass (eager, a counting wrapper, or an
 * enclosing trace for higher-order derivatives).
 *
 * <p>Conventions worth knowing:
 *
 * <ul>
 *   <li>Cotangents of broadcast inputs are summed back to the input's shape (over leading extra
 *       axes and over axes where the input had size 1).
 *   <li>{@code MAX} (reduction) and {@code MAXIMUM} split the cotangent evenly between tied
 *       maxima, so the parts still sum to the cotangent.
 *   <li>{@code ABS}, {@code RELU} have derivative 0 at 0. {@code POW}'s exponent cotangent uses
 *       {@code log(a)} only where {@code a > 0} and is 0 elsewhere.
 *   <li>{@code SIGN}, {@code GREATER}, {@code EQUAL} and {@code STOP_GRADIENT} have no cotangent:
 *       their outputs are constants to the tape.
 *   <li>{@code MATMUL} uses the transpose flags: for {@code C = A·Bᵀ}, {@code dA = G·B} and {@code
 *       dB = Gᵀ·A}; no transpose is materialized.
 * </ul>
 */
final class VjpRules {
  private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));
  private static final float INV_SQRT_2PI = (float) (1.0 / Math.sqrt(2.0 * Math.PI));
  private static final float TWO_OVER_SQRT_PI = (float) (2.0 / Math.sqrt(Math.PI));

  private static final VjpRules STANDARD = new VjpRules(standardRules());

  private final Map<Primitive, VjpRule> rules;

  /** A rule table; tests build incomplete ones to check that a missing rule is reported. */
  VjpRules(Map<Primitive, VjpRule> rules) {
    this.rules = rules.isEmpty() ? new EnumMap<>(Primitive.class) : new EnumMap<>(rules);
  }

  /** The rules of every primitive. */
  static VjpRules standard() {
    return STANDARD;
  }

  /** Whether {@code p} has a rule (possibly {@link VjpRule#NO_COTANGENT}). */
  boolean has(Primitive p) {
    return rules.containsKey(p);
  }

  /** The rule of {@code p}; an {@link IllegalStateException} naming it when there is none. */
  VjpRule rule(Primitive p) {
    VjpRule r = rules.get(p);
    if (r == null) {
      throw new IllegalStateException("autodiff: no VJP rule for primitive " + p
          + "; it cannot be differentiated (add one in VjpRules)");
    }
    return r;
  }

  /** A copy of the rule table, for tests that remove an entry. */
  Map<Primitive, VjpRule> table() {
    return new EnumMap<>(rules);
  }

  private static Map<Primitive, VjpRule> standardRules() {
    EnumMap<Primitive, VjpRule> m = new EnumMap<>(Primitive.class);
    // ---- elementwise, one input
    m.put(Primitive.NEG, (p, in, out, need) -> g -> one(g.unaryMinus()));
    m.put(Primitive.EXP, (p, in, out, need) -> g -> one(g.times(out)));
    m.put(Primitive.LOG, VjpRules::log);
    m.put(Primitive.SQRT, (p, in, out, need) -> g -> one(g.div(out.times(2f))));
    m.put(Primitive.ABS, VjpRules::abs);
    m.put(Primitive.TANH, (p, in, out, need) -> g -> one(g.minus(g.times(out).times(out))));
    m.put(Primitive.SIGMOID, (p, in, out, need) -> g -> {
      Tensor gy = g.times(out);
      return one(gy.minus(gy.times(out)));
    });
    m.put(Primitive.RELU, (p, in, out, need) -> g -> one(g.times(out.greater(0f))));
    m.put(Primitive.GELU, VjpRules::gelu);
    m.put(Primitive.ERF, VjpRules::erf);
    m.put(Primitive.SIGN, VjpRule.NO_COTANGENT);
    m.put(Primitive.STOP_GRADIENT, VjpRule.NO_COTANGENT);
    // ---- elementwise, broadcasting
    m.put(Primitive.ADD, VjpRules::add);
    m.put(Primitive.SUB, VjpRules::sub);
    m.put(Primitive.MUL, VjpRules::mul);
    m.put(Primitive.DIV, VjpRules::div);
    m.put(Primitive.POW, VjpRules::pow);
    m.put(Primitive.MAXIMUM, VjpRules::maximum);
    m.put(Primitive.GREATER, VjpRule.NO_COTANGENT);
    m.put(Primitive.EQUAL, VjpRule.NO_COTANGENT);
    m.put(Primitive.WHERE, VjpRules::where);
    // ---- shape
    m.put(Primitive.RESHAPE, VjpRules::reshape);
    m.put(Primitive.PERMUTE, VjpRules::permute);
    m.put(Primitive.BROADCAST_TO, VjpRules::broadcastTo);
    m.put(Primitive.SLICE, (p, in, out, need) ->
        g -> one(Dispatch.bind(Primitive.SCATTER_SLICE, p, g)));
    m.put(Primitive.SCATTER_SLICE, (p, in, out, need) ->
        g -> one(Dispatch.bind(Primitive.SLICE, p, g)));
    m.put(Primitive.CONCAT, VjpRules::concat);
    m.put(Primitive.TAKE, VjpRules::take);
    m.put(Primitive.SCATTER_ADD, (p, in, out, need) ->
        g -> one(Dispatch.bind(Primitive.TAKE, p, g)));
    // ---- reductions
    m.put(Primitive.SUM, VjpRules::sum);
    m.put(Primitive.MAX, VjpRules::max);
    m.put(Primitive.SOFTMAX, VjpRules::softmax);
    m.put(Primitive.LOG_SOFTMAX, VjpRules::logSoftmax);
    // ---- linear algebra and convolution
    m.put(Primitive.MATMUL, VjpRules::matmul);
    m.put(Primitive.IM2COL, (p, in, out, need) ->
        g -> one(Dispatch.bind(Primitive.COL2IM, p, g)));
    m.put(Primitive.COL2IM, (p, in, out, need) ->
        g -> one(Dispatch.bind(Primitive.IM2COL, p, g)));
    return m;
  }

  // ------------------------------------------------------------------ elementwise, one input

  private static Pullback log(Params p, Tensor[] in, Tensor out, boolean[] need) {
    Tensor x = in[0];
    return g -> one(g.div(x));
  }

  private static Pullback abs(Params p, Tensor[] in, Tensor out, boolean[] need) {
    Tensor x = in[0];
    return g -> one(g.times(x.sign()));
  }

  /** {@code d/dx x·Φ(x) = Φ(x) + x·φ(x)}, exact (through erf). */
  private static Pullback gelu(Params p, Tensor[] in, Tensor out, boolean[] need) {
    Tensor x = in[0];
    return g -> {
      Tensor cdf = x.times(INV_SQRT2).erf().plus(1f).times(0.5f);
      Tensor pdf = x.square().times(-0.5f).exp().times(INV_SQRT_2PI);
      return one(g.times(cdf.plus(x.times(pdf))));
    };
  }

  private static Pullback erf(Params p, Tensor[] in, Tensor out, boolean[] need) {
    Tensor x = in[0];
    return g -> one(g.times(x.square().unaryMinus().exp().times(TWO_OVER_SQRT_PI)));
  }

  // ------------------------------------------------------------------ elementwise, broadcasting

  private static Pullback add(Params p, Tensor[] in, Tensor out, boolean[] need) {
    int[] as = in[0].shape();
    int[] bs = in[1].shape();
    return g -> new @Nullable Tensor[] {
        need[0] ? sumTo(g, as) : null, need[1] ? sumTo(g, bs) : null};
  }

  private static Pullback sub(Params p, Tensor[] in, Tensor out, boolean[] need) {
    int[] as = in[0].shape();
    int[] bs = in[1].shape();
    return g -> new @Nullable Tensor[] {
        need[0] ? sumTo(g, as) : null, need[1] ? sumTo(g.unaryMinus(), bs) : null};
  }

  private static Pullback mul(Params p, Tensor[] in, Tensor out, boolean[] need) {
    int[] as = in[0].shape();
    int[] bs = in[1].shape();
    // Each cotangent needs only the other factor: keep a factor only if the other side is traced.
    @Nullable Tensor a = need[1] ? in[0] : null;
    @Nullable Tensor b = need[0] ? in[1] : null;
    return g -> new @Nullable Tensor[] {
        b != null ? sumTo(g.times(b), as) : null, a != null ? sumTo(g.times(a), bs) : null};
  }

  private static Pullback div(Params p, Tensor[] in, Tensor out, boolean[] need) {
    int[] as = in[0].shape();
    int[] bs = in[1].shape();
    Tensor b = in[1];
    @Nullable Tensor y = need[1] ? out : null;
    return g -> {
      Tensor gb = g.div(b);
      return new @Nullable Tensor[] {
          need[0] ? sumTo(gb, as) : null,
          y != null ? sumTo(gb.times(y).unaryMinus(), bs) : null};
    };
  }

  private static Pullback pow(Params p, Tensor[] in, Tensor out, boolean[] need) {
    int[] as = in[0].shape();
    int[] bs = in[1].shape();
    Tensor a = in[0];
    @Nullable Tensor b = need[0] ? in[1] : null;
    @Nullable Tensor y = need[1] ? out : null;
    return g -> {
      Tensor da = null;
      if (b != null) {
        da = sumTo(g.times(b).times(a.pow(b.minus(1f))), as);
      }
      Tensor db = null;
      if (y != null) {
        // log(a) where a > 0, else 0: the exponent's cotangent is defined for positive bases.
        Tensor positive = a.greater(0f);
        Tensor logA = Tensor.where(positive, a, Tensor.scalar(1f)).log();
        db = sumTo(g.times(y).times(logA), bs);
      }
      return new @Nullable Tensor[] {da, db};
    };
  }

  /** Ties split the cotangent evenly between both inputs. */
  private static Pullback maximum(Params p, Tensor[] in, Tensor out, boolean[] need) {
    int[] as = in[0].shape();
    int[] bs = in[1].shape();
    Tensor a = in[0];
    Tensor b = in[1];
    return g -> {
      Tensor half = a.equalTo(b).times(0.5f);
      return new @Nullable Tensor[] {
          need[0] ? sumTo(g.times(a.greater(b).plus(half)), as) : null,
          need[1] ? sumTo(g.times(b.greater(a).plus(half)), bs) : null};
    };
  }

  /** The condition gets no cotangent; inputs arrive already broadcast to one shape. */
  private static Pullback where(Params p, Tensor[] in, Tensor out, boolean[] need) {
    Tensor cond = in[0];
    return g -> {
      Tensor zero = Tensor.scalar(0f);
      return new @Nullable Tensor[] {
          null,
          need[1] ? Tensor.where(cond, g, zero) : null,
          need[2] ? Tensor.where(cond, zero, g) : null};
    };
  }

  // ------------------------------------------------------------------ shape

  private static Pullback reshape(Params p, Tensor[] in, Tensor out, boolean[] need) {
    int[] shape = in[0].shape();
    return g -> one(g.reshape(shape));
  }

  private static Pullback permute(Params p, Tensor[] in, Tensor out, boolean[] need) {
    int[] perm = ((Params.Perm) p).perm();
    int[] inverse = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      inverse[perm[i]] = i;
    }
    return g -> one(g.permute(inverse));
  }

  private static Pullback broadcastTo(Params p, Tensor[] in, Tensor out, boolean[] need) {
    int[] shape = in[0].shape();
    return g -> one(sumTo(g, shape));
  }

  private static Pullback concat(Params p, Tensor[] in, Tensor out, boolean[] need) {
    int axis = ((Params.Axis) p).axis();
    int[] offsets = new int[in.length + 1];
    for (int i = 0; i < in.length; i++) {
      offsets[i + 1] = offsets[i] + in[i].dim(axis);
    }
    return g -> {
      @Nullable Tensor[] parts = new @Nullable Tensor[offsets.length - 1];
      for (int i = 0; i < parts.length; i++) {
        if (need[i]) {
          parts[i] = g.slice(axis, offsets[i], offsets[i + 1]);
        }
      }
      return parts;
    };
  }

  private static Pullback take(Params p, Tensor[] in, Tensor out, boolean[] need) {
    Params.Take scatter = new Params.Take(((Params.Take) p).indices(), in[0].dim(0));
    return g -> one(Dispatch.bind(Primitive.SCATTER_ADD, scatter, g));
  }

  // ------------------------------------------------------------------ reductions

  private static Pullback sum(Params p, Tensor[] in, Tensor out, boolean[] need) {
    Params.Axes ax = (Params.Axes) p;
    int[] shape = in[0].shape();
    int[] kept = Shapes.reduced(shape, ax.axes(), true);
    return g -> one(g.reshape(kept).broadcastTo(shape));
  }

  /** Ties split evenly: each of {@code k} tied maxima gets {@code 1/k} of the cotangent. */
  private static Pullback max(Params p, Tensor[] in, Tensor out, boolean[] need) {
    Params.Axes ax = (Params.Axes) p;
    Tensor x = in[0];
    int[] kept = Shapes.reduced(x.shape(), ax.axes(), true);
    Tensor y = out;
    return g -> {
      Tensor mask = x.equalTo(y.reshape(kept));
      Tensor count = mask.sum(ax.axes(), true);
      return one(mask.times(g.reshape(kept).div(count)));
    };
  }

  private static Pullback softmax(Params p, Tensor[] in, Tensor out, boolean[] need) {
    int axis = ((Params.Axis) p).axis();
    Tensor y = out;
    return g -> {
      Tensor gy = g.times(y);
      return one(gy.minus(y.times(gy.sum(new int[] {axis}, true))));
    };
  }

  private static Pullback logSoftmax(Params p, Tensor[] in, Tensor out, boolean[] need) {
    int axis = ((Params.Axis) p).axis();
    Tensor y = out;
    return g -> one(g.minus(y.exp().times(g.sum(new int[] {axis}, true))));
  }

  // ------------------------------------------------------------------ linear algebra

  /**
   * For {@code C = op(A)·op(B)}: each operand's cotangent is one matmul of the cotangent with the
   * other operand, with the transpose flags chosen so nothing is transposed in memory; broadcast
   * batch dims are summed back. An operand that is a constant to the tape costs nothing, and the
   * other operand is kept only when that constant's partner needs it.
   */
  private static Pullback matmul(Params p, Tensor[] in, Tensor out, boolean[] need) {
    Params.Matmul m = (Params.Matmul) p;
    boolean ta = m.transposeA();
    boolean tb = m.transposeB();
    int[] as = in[0].shape();
    int[] bs = in[1].shape();
    @Nullable Tensor a = need[1] ? in[0] : null;
    @Nullable Tensor b = need[0] ? in[1] : null;
    return g -> {
      Tensor da = null;
      if (b != null) {
        Tensor d = ta ? b.matmul(g, tb, true) : g.matmul(b, false, !tb);
        da = sumTo(d, as);
      }
      Tensor db = null;
      if (a != null) {
        Tensor d = tb ? g.matmul(a, true, ta) : a.matmul(g, !ta, false);
        db = sumTo(d, bs);
      }
      return new @Nullable Tensor[] {da, db};
    };
  }

  // ------------------------------------------------------------------ helpers

  private static @Nullable Tensor[] one(Tensor t) {
    return new @Nullable Tensor[] {t};
  }

  /**
   * Sums a broadcast cotangent back to {@code shape}: over its leading extra axes and over axes
   * where {@code shape} has size 1 but the cotangent does not.
   */
  static Tensor sumTo(Tensor g, int[] shape) {
    int[] gs = g.shape();
    if (Arrays.equals(gs, shape)) {
      return g;
    }
    int lead = gs.length - shape.length;
    if (lead < 0) {
      throw new IllegalStateException("autodiff: cotangent of shape " + Shapes.format(gs)
          + " cannot be summed to the larger shape " + Shapes.format(shape));
    }
    int[] axes = new int[gs.length];
    int n = 0;
    for (int i = 0; i < gs.length; i++) {
      if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) {
        axes[n++] = i;
      }
    }
    Tensor s = n == 0 ? g : g.sum(Arrays.copyOf(axes, n), true);
    return s.reshape(shape);
  }
}
