package dev.graft.autodiff;

import dev.graft.runtime.Tensor;
import java.util.List;

/**
 * The result of {@link Grad#valueAndGrad}: the scalar value of the function and one cotangent per
 * differentiated tensor, in the order they were given, each of its tensor's shape.
 *
 * @param value the function's value (a one-element tensor)
 * @param grads the gradient with respect to each differentiated tensor; an unmodifiable list
 */
public record ValueAndGrad(Tensor value, List<Tensor> grads) {
  /** Copies {@code grads} into an unmodifiable list. */
  public ValueAndGrad {
    grads = List.copyOf(grads);
  }
}
