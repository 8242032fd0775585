package dev.graft.dsl.optim;

import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Trainable;
import dev.graft.runtime.Tensor;
import java.util.Map;

/**
 * What every optimizer here shares around its per-leaf {@link Stepper.Rule}: the learning-rate
 * schedule and the clipping norm, with their checks, accessors and withers; the step through
 * {@link Stepper}; and the frame of the description. A subclass holds only its own
 * hyperparameters.
 *
 * @param <S> the concrete optimizer, returned by the withers
 */
abstract sealed class RuleOptimizer<S extends RuleOptimizer<S>> implements Optimizer
    permits AdamOptimizer, Sgd {
  private final Schedule schedule;
  private final double clipNorm;

  RuleOptimizer(Schedule schedule, double clipNorm) {
    Clip.checkMaxNorm(name(), clipNorm);
    this.schedule = schedule;
    this.clipNorm = clipNorm;
  }

  /**
   * Names the optimizer in messages and in its description, e.g. {@code "AdamW"}; a constant of
   * the class (the constructor calls it).
   */
  abstract String name();

  /** The same optimizer with another schedule and clipping norm. */
  abstract S with(Schedule newSchedule, double newClipNorm);

  /** The per-leaf update with this optimizer's own hyperparameters. */
  abstract Stepper.Rule rule();

  /** The own hyperparameters for the description, each led by {@code ", "}; may be empty. */
  abstract String details();

  @Override
  public S withSchedule(Schedule newSchedule) {
    return with(newSchedule, clipNorm);
  }

  @Override
  public S withLearningRate(double lr) {
    return withSchedule(Schedule.constant(lr));
  }

  @Override
  public S withClipNorm(double maxNorm) {
    return with(schedule, maxNorm);
  }

  @Override
  public Schedule schedule() {
    return schedule;
  }

  @Override
  public double clipNorm() {
    return clipNorm;
  }

  @Override
  public <T extends Trainable<T>> Step<T> step(T net, Map<Path, Tensor> grads, OptState state) {
    return Stepper.step(name(), net, grads, state, schedule, clipNorm, rule());
  }

  @Override
  public String toString() {
    return name() + "[lr " + schedule + details()
        + (clipNorm == Double.POSITIVE_INFINITY ? "" : ", clip " + clipNorm) + "]";
  }
}
