package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Init;
import dev.graft.runtime.Key;
import dev.graft.runtime.Fused;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * A fully connected layer, {@code y = x·Wᵀ + b}, with PyTorch's layout: {@code weight} is
 * {@code (out, in)} and {@code bias} is {@code (out,)} or absent.
 *
 * <p>Initialization ({@link #create}) follows {@code torch.nn.Linear}: the weight is
 * {@code kaiming_uniform_(a=√5)}, i.e. {@code U(-1/√in, 1/√in)}, and the bias is
 * {@code U(-1/√in, 1/√in)}.
 *
 * @param weight the {@code (out, in)} matrix
 * @param bias the {@code (out,)} offset, or {@code null} for none
 */
public record Linear(Tensor weight, @Nullable Tensor bias) implements Layer {

  /** Validates that {@code weight} is a matrix and {@code bias} matches its rows. */
  public Linear {
    if (weight.ndim() != 2) {
      throw new IllegalArgumentException("Linear: weight shape " + Shapes.format(weight.shape())
          + " must have 2 dims (out, in)");
    }
    if (bias != null && (bias.ndim() != 1 || bias.dim(0) != weight.dim(0))) {
      throw new IllegalArgumentException("Linear: bias shape " + Shapes.format(bias.shape())
          + " does not match weight " + Shapes.format(weight.shape()) + ": expected ("
          + weight.dim(0) + ",)");
    }
  }

  /** A layer from {@code in} to {@code out} features with a bias, initialized as PyTorch does. */
  public static Linear create(int in, int out, Key key) {
    return create(in, out, true, key);
  }

  /**
   * A layer from {@code in} to {@code out} features, initialized as {@code torch.nn.Linear}:
   * weight and bias both {@code U(-1/√in, 1/√in)}.
   */
  public static Linear create(int in, int out, boolean bias, Key key) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException("Linear: features must be positive, got in=" + in
          + ", out=" + out);
    }
    Key[] keys = key.split(2);
    Tensor w = Init.kaimingUniform(keys[0], Math.sqrt(5.0), in, out, in);
    Tensor b = bias ? Init.uniform(keys[1], (float) (1.0 / Math.sqrt(in)), out) : null;
    return new Linear(w, b);
  }

  /** Number of input features. */
  public int inFeatures() {
    return weight.dim(1);
  }

  /** Number of output features. */
  public int outFeatures() {
    return weight.dim(0);
  }

  /** The same layer with another weight (same shape) and the same bias. */
  public Linear withWeight(Tensor newWeight) {
    return withParams(newWeight, bias);
  }

  /** The same kind of layer with another weight and bias. */
  public Linear withParams(Tensor newWeight, @Nullable Tensor newBias) {
    return new Linear(newWeight, newBias);
  }

  /** {@code x·Wᵀ + b} for {@code x} of shape {@code (..., in)}, giving {@code (..., out)}. */
  @Override
  public Tensor apply(Tensor x) {
    checkInput(x);
    return Fused.linear(x, weight, bias);
  }

  private void checkInput(Tensor x) {
    if (x.ndim() == 0 || x.dim(-1) != inFeatures()) {
      throw new IllegalArgumentException("Linear: input shape " + Shapes.format(x.shape())
          + " does not end in in_features " + inFeatures() + " (weight "
          + Shapes.format(weight.shape()) + ")");
    }
  }

  /**
   * {@code relu(apply(x))}: the same values, with the rectifier computed eagerly in the same
   * in-place pass as the bias ({@link Fused#linear(Tensor, Tensor, Tensor, boolean)}). {@link
   * Sequential} calls it for a {@code Linear} followed by a {@link Relu}.
   */
  public Tensor applyRelu(Tensor x) {
    checkInput(x);
    return Fused.linear(x, weight, bias, true);
  }
}
