package dev.graft.autodiff;

import dev.graft.runtime.Params;
import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * How to differentiate one primitive: given a forward application, the pullback that turns its
 * output cotangent into input cotangents. Runs at trace time, so it must not compute anything; it
 * only picks which of {@code inputs} and {@code output} the pullback keeps.
 */
@FunctionalInterface
interface VjpRule {
  /**
   * The rule of a primitive that is not differentiable (or cuts the tape): its output is a
   * constant to the tape and no cotangent flows to its inputs.
   */
  VjpRule NO_COTANGENT = (params, inputs, output, needsGrad) -> null;

  /**
   * The pullback of one application, or {@code null} when the output is a constant to the tape.
   *
   * @param needsGrad per input, whether it is traced and so needs a cotangent; inputs that do not
   *     need one get {@code null} from the pullback and cost no work
   */
  @Nullable Pullback pullback(Params params, Tensor[] inputs, Tensor output, boolean[] needsGrad);
}
