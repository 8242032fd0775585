package dev.graft.dsl.optim;

import dev.graft.dsl.Net;
import dev.graft.dsl.tree.Path;
import dev.graft.runtime.Tensor;
import java.util.Map;

/**
 * Adam (Kingma and Ba) with bias correction, as PyTorch's {@code torch.optim.Adam}: defaults {@code
 * β = (0.9, 0.999)}, {@code ε = 1e-8}, no weight decay; a weight decay here is L2 added to the
 * gradient ({@code g ← g + wd·p}) — use {@link AdamW} for decoupled decay. State slots {@code "m"}
 * and {@code "v"}.
 *
 * <pre>{@code
 * Adam.of(1e-3).withBetas(0.9, 0.98).withClipNorm(1.0)
 * }</pre>
 */
public final class Adam implements Optimizer {
  private final Schedule schedule;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final double clipNorm;

  private Adam(Schedule schedule, double beta1, double beta2, double eps, double weightDecay,
      double clipNorm) {
    AdamRule.check("Adam", beta1, beta2, eps, weightDecay);
    Clip.checkMaxNorm("Adam", clipNorm);
    this.schedule = schedule;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.clipNorm = clipNorm;
  }

  /** Adam with learning rate {@code lr} and PyTorch's defaults otherwise. */
  public static Adam of(double lr) {
    return of(Schedule.constant(lr));
  }

  /** Adam with a learning-rate schedule and PyTorch's defaults otherwise. */
  public static Adam of(Schedule schedule) {
    return new Adam(schedule, 0.9, 0.999, 1e-8, 0, Double.POSITIVE_INFINITY);
  }

  /** This optimizer with moment decay rates {@code β₁, β₂} in {@code [0, 1)}. */
  public Adam withBetas(double b1, double b2) {
    return new Adam(schedule, b1, b2, eps, weightDecay, clipNorm);
  }

  /** This optimizer with {@code ε} added to the denominator. */
  public Adam withEps(double newEps) {
    return new Adam(schedule, beta1, beta2, newEps, weightDecay, clipNorm);
  }

  /** This optimizer with L2 weight decay {@code wd} added to the gradient. */
  public Adam withWeightDecay(double wd) {
    return new Adam(schedule, beta1, beta2, eps, wd, clipNorm);
  }

  @Override
  public Adam withSchedule(Schedule newSchedule) {
    return new Adam(newSchedule, beta1, beta2, eps, weightDecay, clipNorm);
  }

  @Override
  public Adam withLearningRate(double lr) {
    return withSchedule(Schedule.constant(lr));
  }

  @Override
  public Adam withClipNorm(double maxNorm) {
    return new Adam(schedule, beta1, beta2, eps, weightDecay, maxNorm);
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

  /** The L2 weight decay. */
  public double weightDecay() {
    return weightDecay;
  }

  @Override
  public Step step(Net net, Map<Path, Tensor> grads, OptState state) {
    return Stepper.step("Adam", net, grads, state, schedule, clipNorm,
        new AdamRule(beta1, beta2, eps, weightDecay, false));
  }

  @Override
  public String toString() {
    return "Adam[lr " + schedule + ", betas (" + beta1 + ", " + beta2 + "), eps " + eps
        + (weightDecay == 0 ? "" : ", L2 " + weightDecay)
        + (clipNorm == Double.POSITIVE_INFINITY ? "" : ", clip " + clipNorm) + "]";
  }
}
