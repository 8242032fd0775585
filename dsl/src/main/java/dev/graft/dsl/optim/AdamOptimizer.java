package dev.graft.dsl.optim;

import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Trainable;
import dev.graft.runtime.Tensor;
import java.util.Map;

/**
 * The one implementation of {@link Adam} and {@link AdamW}: hyperparameters, their checks, the
 * step and the description; the two differ only in whether the weight decay is coupled (L2 added to
 * the gradient) or decoupled (applied to the weight first). See {@link AdamRule} for the update.
 *
 * @param <S> the concrete optimizer, returned by the {@code with...} methods
 */
public abstract sealed class AdamOptimizer<S extends AdamOptimizer<S>> implements Optimizer
    permits Adam, AdamW {
  private final Schedule schedule;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final double clipNorm;

  AdamOptimizer(Schedule schedule, double beta1, double beta2, double eps, double weightDecay,
      double clipNorm) {
    AdamRule.check(name(), beta1, beta2, eps, weightDecay);
    Clip.checkMaxNorm(name(), clipNorm);
    this.schedule = schedule;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.clipNorm = clipNorm;
  }

  /** {@code "Adam"} or {@code "AdamW"}: names the optimizer in messages. */
  final String name() {
    return getClass().getSimpleName();
  }

  /** Whether the weight decay is applied to the weight first (AdamW) rather than as L2. */
  final boolean decoupled() {
    return this instanceof AdamW;
  }

  /** The same kind of optimizer with these hyperparameters. */
  abstract S copy(Schedule schedule, double beta1, double beta2, double eps, double weightDecay,
      double clipNorm);

  /** This optimizer with moment decay rates {@code β₁, β₂} in {@code [0, 1)}. */
  public S withBetas(double b1, double b2) {
    return copy(schedule, b1, b2, eps, weightDecay, clipNorm);
  }

  /** This optimizer with {@code ε} added to the denominator. */
  public S withEps(double newEps) {
    return copy(schedule, beta1, beta2, newEps, weightDecay, clipNorm);
  }

  /**
   * This optimizer with weight decay {@code wd}: L2 added to the gradient for {@link Adam},
   * decoupled ({@code p ← p − lr·wd·p} each step) for {@link AdamW}.
   */
  public S withWeightDecay(double wd) {
    return copy(schedule, beta1, beta2, eps, wd, clipNorm);
  }

  @Override
  public S withSchedule(Schedule newSchedule) {
    return copy(newSchedule, beta1, beta2, eps, weightDecay, clipNorm);
  }

  @Override
  public S withLearningRate(double lr) {
    return withSchedule(Schedule.constant(lr));
  }

  @Override
  public S withClipNorm(double maxNorm) {
    return copy(schedule, beta1, beta2, eps, weightDecay, maxNorm);
  }

  @Override
  public Schedule schedule() {
    return schedule;
  }

  @Override
  public double clipNorm() {
    return clipNorm;
  }

  /** {@code β₁}. */
  public double beta1() {
    return beta1;
  }

  /** {@code β₂}. */
  public double beta2() {
    return beta2;
  }

  /** {@code ε}. */
  public double eps() {
    return eps;
  }

  /** The weight decay (L2 for {@link Adam}, decoupled for {@link AdamW}). */
  public double weightDecay() {
    return weightDecay;
  }

  @Override
  public <T extends Trainable<T>> Step<T> step(T net, Map<Path, Tensor> grads, OptState state) {
    return Stepper.step(name(), net, grads, state, schedule, clipNorm,
        new AdamRule(beta1, beta2, eps, weightDecay, decoupled()));
  }

  @Override
  public String toString() {
    return name() + "[lr " + schedule + ", betas (" + beta1 + ", " + beta2 + "), eps " + eps
        + (weightDecay == 0 ? "" : (decoupled() ? ", weight decay " : ", L2 ") + weightDecay)
        + (clipNorm == Double.POSITIVE_INFINITY ? "" : ", clip " + clipNorm) + "]";
  }
}
