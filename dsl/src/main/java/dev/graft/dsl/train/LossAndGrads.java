package dev.graft.dsl.train;

import dev.graft.dsl.optim.Clip;
import dev.graft.dsl.tree.Path;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A loss value and its gradient with respect to each trainable leaf of a net, as {@link
 * dev.graft.dsl.Net#valueAndGrad} returns them.
 *
 * @param value the loss (a one-element tensor)
 * @param grads the gradient of each trainable leaf, by path, in tree order; exactly the trainable
 *     leaves (an unmodifiable map)
 */
public record LossAndGrads(Tensor value, Map<Path, Tensor> grads) {
  /** Checks the value is a scalar and copies the gradients, keeping their order. */
  public LossAndGrads {
    if (value.size() != 1) {
      throw new IllegalArgumentException("LossAndGrads: the value must have one element, got shape "
          + Shapes.format(value.shape()));
    }
    grads = Collections.unmodifiableMap(new LinkedHashMap<>(grads));
  }

  /** The loss as a float. */
  public float item() {
    return value.item();
  }

  /** The L2 norm of all gradients together. */
  public double globalNorm() {
    return Clip.globalNorm(grads);
  }
}
