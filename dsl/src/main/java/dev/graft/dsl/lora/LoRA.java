package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;

/**
 * A standalone low-rank map with no base layer (as brainstate's and Edifice's {@code LoRA}): {@code
 * y = s·(x Aᵀ) Bᵀ} for {@code x (..., in)}, with {@code A (r, in)} and {@code B (out, r)}. The
 * scale is {@code s = α/r} ({@link Scaling#ALPHA_OVER_RANK}, LoRA's and Edifice's) or {@code s =
 * α} ({@link Scaling#ALPHA}, brainstate's, which has no α and so {@code α = 1}); {@link #alpha()}
 * is kept as given. Add it to any computation's output by hand, or use {@link #delta} on an
 * existing input. Init ({@link Init}): as LoRA by default — {@code A} kaiming-uniform (bound
 * {@code 1/√in}) and {@code B = 0}, so it starts as zero — or LeCun-normal on both {@code A} and
 * {@code B} (brainstate's default, {@link #brainstate}). Every leaf trains: {@code r·(in + out)}
 * parameters. It is a {@link Layer}, not a {@link LoraWrapper}: there is nothing to merge into.
 *
 * @param loraA the down projection {@code (r, in)}
 * @param loraB the up projection {@code (out, r)}
 * @param alpha the scaling numerator {@code α}, as given
 * @param scaling how {@code α} becomes the scale {@code s}
 */
public record LoRA(Tensor loraA, Tensor loraB, double alpha, Scaling scaling) implements Layer {

  /** How {@link #create} initializes the factors. */
  public enum Init {
    /** LoRA's: {@code A} kaiming-uniform, {@code a = √5} (bound {@code 1/√in}); {@code B = 0}. */
    LORA,
    /**
     * brainstate's: both factors LeCun-normal (truncated at two standard deviations, variance
     * {@code 1/fan_in}: {@code 1/in} for {@code A}, {@code 1/r} for {@code B}); not zero at start.
     */
    LECUN_NORMAL
  }

  /** How {@link #alpha()} gives the scale {@code s} of {@link #scale()}. */
  public enum Scaling {
    /** {@code s = α/r}: LoRA's and Edifice's ({@code output = Wx + (alpha/rank)·B(Ax)}). */
    ALPHA_OVER_RANK,
    /** {@code s = α}: no division by the rank (brainstate's layer, with {@code α = 1}). */
    ALPHA
  }

  /** Validates that {@code A} is {@code (r, in)} and {@code B} is {@code (out, r)}. */
  public LoRA {
    if (loraA.ndim() != 2 || loraB.ndim() != 2 || loraA.dim(0) != loraB.dim(1)) {
      throw new IllegalArgumentException("LoRA: factors A " + Shapes.format(loraA.shape())
          + " and B " + Shapes.format(loraB.shape()) + " do not fit: expected A (r, in) and"
          + " B (out, r) with the same r");
    }
    if (!Double.isFinite(alpha)) {
      throw new IllegalArgumentException("LoRA: alpha must be finite, got " + alpha);
    }
  }

  /** Factors with a scale used as given: {@code s = scale} ({@link Scaling#ALPHA}). */
  public LoRA(Tensor loraA, Tensor loraB, double scale) {
    this(loraA, loraB, scale, Scaling.ALPHA);
  }

  /** Edifice's and Graft's defaults: rank 8, {@code α = 16}, {@code s = α/r}, LoRA's init. */
  public static LoRA create(int in, int out, Key key) {
    return create(in, 8, out, 16.0, key);
  }

  /** A rank-{@code rank} map from {@code in} to {@code out} features, LoRA's init, {@code α/r}. */
  public static LoRA create(int in, int rank, int out, double alpha, Key key) {
    return create(in, rank, out, alpha, Init.LORA, key);
  }

  /** A rank-{@code rank} map from {@code in} to {@code out} features, {@code init}, {@code α/r}. */
  public static LoRA create(int in, int rank, int out, double alpha, Init init, Key key) {
    return create(in, rank, out, alpha, init, Scaling.ALPHA_OVER_RANK, key);
  }

  /**
   * brainstate's defaults ({@code brainstate.nn.LoRA(in, rank, out)}): LeCun-normal for both
   * factors and no α/r scaling, so {@code y = (x Aᵀ) Bᵀ} ({@code α = 1}, {@link Scaling#ALPHA}).
   */
  public static LoRA brainstate(int in, int rank, int out, Key key) {
    return create(in, rank, out, 1.0, Init.LECUN_NORMAL, Scaling.ALPHA, key);
  }

  /** The general form: rank, {@code α}, initializer and scaling all chosen. */
  public static LoRA create(int in, int rank, int out, double alpha, Init init, Scaling scaling,
      Key key) {
    if (in < 1 || out < 1) {
      throw new IllegalArgumentException("LoRA: in and out must be >= 1, got in=" + in + ", out="
          + out);
    }
    AdapterConfig config = new AdapterConfig(rank, alpha, 0, key);
    if (init == Init.LORA) {
      LowRank.Factors f = LowRank.init("LoRA", out, in, config);
      return new LoRA(f.a(), f.b(), alpha, scaling);
    }
    LowRank.checkRank("LoRA", rank);
    Key[] keys = key.split(2);
    return new LoRA(dev.graft.runtime.Init.lecunNormal(keys[0], in, rank, in),
        dev.graft.runtime.Init.lecunNormal(keys[1], rank, out, rank), alpha, scaling);
  }

  /** The scale {@code s}: {@code α/r} or {@code α}, by {@link #scaling()}. */
  public double scale() {
    return scaling == Scaling.ALPHA_OVER_RANK ? alpha / rank() : alpha;
  }

  /** {@code s·(x Aᵀ) Bᵀ} on an existing input, never forming {@code B A}. */
  public static Tensor delta(Tensor x, Tensor a, Tensor b, double scale) {
    return LowRank.delta(x, a, b, scale);
  }

  /** Number of input features. */
  public int inFeatures() {
    return loraA.dim(1);
  }

  /** Number of output features. */
  public int outFeatures() {
    return loraB.dim(0);
  }

  /** The rank {@code r}. */
  public int rank() {
    return loraA.dim(0);
  }

  /** {@code s·(x Aᵀ) Bᵀ} for {@code x (..., in)}, giving {@code (..., out)}. */
  @Override
  public Tensor apply(Tensor x) {
    if (x.ndim() == 0 || x.dim(-1) != inFeatures()) {
      throw new IllegalArgumentException("LoRA: input shape " + Shapes.format(x.shape())
          + " does not end in in_features " + inFeatures() + " (A "
          + Shapes.format(loraA.shape()) + ")");
    }
    return delta(x, loraA, loraB, scale());
  }
}
