package dev.graft.dsl.optim;

import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Trainable;
import dev.graft.runtime.Tensor;
import java.util.Map;

/**
 * A gradient-descent rule with its hyperparameters: an immutable configuration whose {@link #step}
 * maps a net (any {@link Trainable}: a tree with its trainable paths, such as the {@code Net}
 * facade), the gradients of its trainable leaves and the current state to the updated net and
 * the next state. Frozen leaves are never touched (the new net holds the same objects); the state
 * is keyed by leaf path, so it follows a leaf however the tree is rebuilt around it.
 *
 * <pre>{@code
 * Optimizer opt = AdamW.of(1e-3).withWeightDecay(0.01).withClipNorm(1.0);
 * OptState state = OptState.empty();
 * LossAndGrads lg = net.valueAndGrad(m -> Losses.mse(m.apply(x), y));
 * Step<Net> s = opt.step(net, lg.grads(), state);
 * net = s.net(); state = s.state();
 * }</pre>
 */
public interface Optimizer {
  /**
   * One update. {@code grads} must hold a gradient for exactly the trainable leaves of {@code net}
   * (as {@code net.valueAndGrad} returns them), each of its leaf's shape.
   *
   * @throws IllegalArgumentException naming the path when a gradient is missing, belongs to a
   *     frozen or unknown leaf, or has the wrong shape
   * @throws IllegalStateException when called inside a gradient trace (updates are eager)
   */
  <T extends Trainable<T>> Step<T> step(T net, Map<Path, Tensor> grads, OptState state);

  /** The learning rate as a function of the step. */
  Schedule schedule();

  /** This optimizer with another learning-rate schedule. */
  Optimizer withSchedule(Schedule schedule);

  /** This optimizer with a constant learning rate. */
  default Optimizer withLearningRate(double lr) {
    return withSchedule(Schedule.constant(lr));
  }

  /** The global-norm limit applied to the gradients first; infinite when there is none. */
  double clipNorm();

  /**
   * This optimizer with the gradients clipped to global norm {@code maxNorm} before each update
   * (see {@link Clip}); {@code Double.POSITIVE_INFINITY} turns clipping off.
   */
  Optimizer withClipNorm(double maxNorm);

  /** The learning rate the next step from {@code state} uses. */
  default double learningRate(OptState state) {
    return schedule().at(state.step());
  }
}
