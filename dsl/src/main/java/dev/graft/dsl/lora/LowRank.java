package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Fused;
import dev.graft.runtime.Init;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.function.ToDoubleFunction;

/** The low-rank arithmetic LoRA-family adapters share: initialization, the factored delta, merging. */
final class LowRank {
  private LowRank() {}

  /** A pair of factors {@code A (r, in)} and {@code B (out, r)}. */
  public record Factors(Tensor a, Tensor b) {}

  /** A low-rank adapter's constructor: base (or residual), factors, scale and dropout. */
  @FunctionalInterface
  interface Make<T> {
    T make(Layer base, Tensor a, Tensor b, double scale, double dropout);
  }

  /**
   * A {@code kind} adapter around {@code base} (each group's on a GroupedLinear) with LoRA's
   * initialization and the scale {@code scale} reads from the config.
   */
  static <T extends ZooAdapter> T create(AdapterKind kind, Layer base, AdapterConfig config,
      ToDoubleFunction<AdapterConfig> scale, Make<T> make) {
    return PerGroup.ofEach(kind, base, config, (one, c) -> {
      Factors f = init(kind, one, c);
      return make.make(one, f.a(), f.b(), scale.applyAsDouble(c), c.dropout());
    });
  }

  /**
   * LoRA's initialization: {@code A} kaiming-uniform with {@code a = √5} (bound {@code 1/√in}),
   * {@code B} zero. Rejects a rank below 1.
   */
  public static Factors init(String adapter, int out, int in, AdapterConfig config) {
    checkRank(adapter, config.rank());
    Tensor a = Init.kaimingUniform(config.key(), Math.sqrt(5.0), in, config.rank(), in);
    return new Factors(a, Tensor.zeros(out, config.rank()));
  }

  /** LoRA's initialization for {@code base} seen as a weight matrix, naming {@code kind}. */
  static Factors init(AdapterKind kind, Layer base, AdapterConfig config) {
    WeightView v = WeightView.of(kind.name(), base);
    return init(kind.name(), v.out(), v.in(), config);
  }

  /** Checks the factors against {@code base} seen as a weight matrix, naming {@code kind}. */
  static void checkFactors(AdapterKind kind, Layer base, Tensor a, Tensor b) {
    WeightView v = WeightView.of(kind.name(), base);
    checkFactors(kind.name(), v.perMatrix(kind.name(), "loraA", a),
        v.perMatrix(kind.name(), "loraB", b), v.out(), v.in());
  }

  /** Rejects a rank below 1, naming the adapter. */
  public static void checkRank(String adapter, int rank) {
    if (rank < 1) {
      throw new IllegalArgumentException(adapter + ": rank must be >= 1, got " + rank);
    }
  }

  /** Checks {@code A (r, in)} and {@code B (out, r)} against a base of shape {@code (out, in)}. */
  public static void checkFactors(String adapter, Tensor a, Tensor b, int out, int in) {
    checkFactors(adapter, a.shape(), b.shape(), out, in);
  }

  private static void checkFactors(String adapter, int[] as, int[] bs, int out, int in) {
    if (as.length != 2 || bs.length != 2 || as[1] != in || bs[0] != out || as[0] != bs[1]) {
      throw new IllegalArgumentException(adapter + ": factors A " + Shapes.format(as) + " and B "
          + Shapes.format(bs) + " do not fit a base of shape (" + out + ", " + in
          + "): expected A (r, " + in + ") and B (" + out + ", r)");
    }
  }

  /**
   * {@code s·(x Aᵀ) Bᵀ}, never forming {@code B A}. The scale multiplies the narrower of the two
   * products ({@code x Aᵀ} has {@code r} columns, the result {@code out}), which saves a pass
   * over the full-width output in the forward and the backward pass.
   */
  public static Tensor delta(Tensor x, Tensor a, Tensor b, double scale) {
    Tensor h = x.matmul(a, false, true);
    if (scale == 1.0) {
      return h.matmul(b, false, true);
    }
    return a.dim(0) <= b.dim(0) ? h.times((float) scale).matmul(b, false, true)
        : h.matmul(b, false, true).times((float) scale);
  }

  /**
   * {@code s·B A}, the dense update a merge folds into the weight. The scale multiplies the
   * smaller factor, not the dense product.
   */
  public static Tensor product(Tensor b, Tensor a, double scale) {
    if (scale == 1.0) {
      return b.matmul(a);
    }
    return b.size() <= a.size() ? b.times((float) scale).matmul(a)
        : b.matmul(a.times((float) scale));
  }

  /**
   * {@code W + s·B A}, the merged weight: the same values as {@code w.plus(product(b, a, s))},
   * computed eagerly by one fused pass over {@code W} (no dense temporary for {@code B A}) when
   * the rank is small; see {@link Fused#plusScaledProduct}.
   */
  public static Tensor merged(Tensor w, Tensor b, Tensor a, double scale) {
    return Fused.plusScaledProduct(w, b, a, scale);
  }
}
