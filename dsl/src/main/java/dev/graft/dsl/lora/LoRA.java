package dev.graft.dsl.lora;

import dev.graft.dsl.Module;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;

/**
 * A standalone low-rank map with no base layer (as brainstate's and Edifice's {@code LoRA}): {@code
 * y = s·(x Aᵀ) Bᵀ} for {@code x (..., in)}, with {@code A (r, in)}, {@code B (out, r)} and {@code
 * s = α/r}. Add it to any computation's output by hand, or use {@link #delta} on an existing input.
 * Init ({@link Init}): as LoRA by default — {@code A} kaiming-uniform (bound {@code 1/√in}) and
 * {@code B = 0}, so it starts as zero — or LeCun-normal on both {@code A} and {@code B}
 * (brainstate's default). Every leaf trains: {@code r·(in + out)} parameters. It is a {@link
 * Module}, not a {@link LoraWrapper}: there is nothing to merge into.
 *
 * @param loraA the down projection {@code (r, in)}
 * @param loraB the up projection {@code (out, r)}
 * @param scale {@code s}, {@code α / r} when built by {@link #create}
 */
public record LoRA(Tensor loraA, Tensor loraB, double scale) implements Module {

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

  /** Validates that {@code A} is {@code (r, in)} and {@code B} is {@code (out, r)}. */
  public LoRA {
    if (loraA.ndim() != 2 || loraB.ndim() != 2 || loraA.dim(0) != loraB.dim(1)) {
      throw new IllegalArgumentException("LoRA: factors A " + Shapes.format(loraA.shape())
          + " and B " + Shapes.format(loraB.shape()) + " do not fit: expected A (r, in) and"
          + " B (out, r) with the same r");
    }
  }

  /** A rank-{@code rank} map from {@code in} to {@code out} features, LoRA's init, {@code α/r}. */
  public static LoRA create(int in, int rank, int out, double alpha, Key key) {
    return create(in, rank, out, alpha, Init.LORA, key);
  }

  /** A rank-{@code rank} map from {@code in} to {@code out} features, {@code init}, {@code α/r}. */
  public static LoRA create(int in, int rank, int out, double alpha, Init init, Key key) {
    if (in < 1 || out < 1) {
      throw new IllegalArgumentException("LoRA: in and out must be >= 1, got in=" + in + ", out="
          + out);
    }
    AdapterConfig config = new AdapterConfig(rank, alpha, 0, key);
    if (init == Init.LORA) {
      LowRank.Factors f = LowRank.init("LoRA", out, in, config);
      return new LoRA(f.a(), f.b(), config.scale());
    }
    LowRank.checkRank("LoRA", rank);
    Key[] keys = key.split(2);
    return new LoRA(dev.graft.runtime.Init.lecunNormal(keys[0], in, rank, in),
        dev.graft.runtime.Init.lecunNormal(keys[1], rank, out, rank), config.scale());
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
    return delta(x, loraA, loraB, scale);
  }
}
