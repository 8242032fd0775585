package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Init;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Layer normalization over the trailing axes whose shape is {@code weight}'s (PyTorch's
 * {@code normalized_shape}): {@code (x - mean) / √(var + eps) · weight + bias}, with the biased
 * variance as PyTorch computes it.
 *
 * <p>Initialization ({@link #create}) follows {@code torch.nn.LayerNorm}: weight ones, bias
 * zeros, {@code eps = 1e-5}; no randomness, so no key.
 *
 * @param weight the elementwise scale, shaped as the normalized trailing axes
 * @param bias the elementwise shift of the same shape, or {@code null}
 * @param eps added to the variance for stability
 */
public record LayerNorm(Tensor weight, @Nullable Tensor bias, float eps) implements Layer {
  /** PyTorch's default {@code eps}. */
  public static final float DEFAULT_EPS = 1e-5f;

  /** Validates that {@code bias} matches {@code weight} and {@code eps} is finite and >= 0. */
  public LayerNorm {
    if (weight.ndim() == 0) {
      throw new IllegalArgumentException("LayerNorm: weight must have at least 1 dim, got a "
          + "scalar");
    }
    if (bias != null && !Arrays.equals(bias.shape(), weight.shape())) {
      throw new IllegalArgumentException("LayerNorm: bias shape " + Shapes.format(bias.shape())
          + " does not match weight " + Shapes.format(weight.shape()) + ": expected "
          + Shapes.format(weight.shape()));
    }
    if (!(eps >= 0f) || Float.isInfinite(eps)) {
      throw new IllegalArgumentException("LayerNorm: eps must be finite and >= 0, got " + eps);
    }
  }

  /** Normalization over trailing axes of {@code normalizedShape}: ones, zeros, eps 1e-5. */
  public static LayerNorm create(int... normalizedShape) {
    return create(normalizedShape, DEFAULT_EPS, true);
  }

  /** Normalization over trailing axes of {@code normalizedShape}, weight ones, bias zeros. */
  public static LayerNorm create(int[] normalizedShape, float eps, boolean bias) {
    if (normalizedShape.length == 0) {
      throw new IllegalArgumentException("LayerNorm: normalizedShape must not be empty");
    }
    for (int d : normalizedShape) {
      if (d <= 0) {
        throw new IllegalArgumentException("LayerNorm: normalizedShape "
            + Arrays.toString(normalizedShape) + " must be positive");
      }
    }
    return new LayerNorm(Init.ones(normalizedShape), bias ? Init.zeros(normalizedShape) : null,
        eps);
  }

  /** The shape of the normalized trailing axes. */
  public int[] normalizedShape() {
    return weight.shape();
  }

  /** Normalizes {@code x} over its trailing axes, which must equal {@link #normalizedShape()}. */
  @Override
  public Tensor apply(Tensor x) {
    int[] ns = weight.shape();
    int[] xs = x.shape();
    int k = ns.length;
    if (xs.length < k
        || !Arrays.equals(Arrays.copyOfRange(xs, xs.length - k, xs.length), ns)) {
      throw new IllegalArgumentException("LayerNorm: input shape " + Shapes.format(xs)
          + " does not end in normalized shape " + Shapes.format(ns));
    }
    int[] axes = new int[k];
    for (int i = 0; i < k; i++) {
      axes[i] = xs.length - k + i;
    }
    Tensor centered = x.minus(x.mean(axes, true));
    Tensor variance = centered.square().mean(axes, true);
    Tensor y = centered.div(variance.plus(eps).sqrt()).times(weight);
    return bias == null ? y : y.plus(bias);
  }
}
