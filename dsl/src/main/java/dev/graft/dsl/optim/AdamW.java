package dev.graft.dsl.optim;

import dev.graft.dsl.Net;
import dev.graft.dsl.tree.Path;
import dev.graft.runtime.Tensor;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), as PyTorch's {@code torch.optim.AdamW}:
 * each step first shrinks the weight, {@code p ← p − lr·wd·p}, then applies the bias-corrected
 * Adam update of {@link Adam} (the decay never enters the moments). Defaults {@code β = (0.9,
 * 0.999)}, {@code ε = 1e-8}, {@code wd = 0.01}. State slots {@code "m"} and {@code "v"}.
 *
 * <pre>{@code
 * AdamW.of(1e-3).withWeightDecay(0.05).withClipNorm(1.0)
 * }</pre>
 */
public final class AdamW implements Optimizer {
  private final Schedule schedule;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final double clipNorm;

  private AdamW(Schedule schedule, double beta1, double beta2, double eps, double weightDecay,
      double clipNorm) {
    AdamRule.check("AdamW", beta1, beta2, eps, weightDecay);
    Clip.checkMaxNorm("AdamW", clipNorm);
    this.schedule = schedule;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.clipNorm = clipNorm;
  }

  /** AdamW with learning rate {@code lr} and PyTorch's defaults otherwise (weight decay 0.01). */
  public static AdamW of(double lr) {
    return of(Schedule.constant(lr));
  }

  /** AdamW with a learning-rate schedule and PyTorch's defaults otherwise (weight decay 0.01). */
  public static AdamW of(Schedule schedule) {
    return new AdamW(schedule, 0.9, 0.999, 1e-8, 0.01, Double.POSITIVE_INFINITY);
  }

  /** This optimizer with moment decay rates {@code β₁, β₂} in {@code [0, 1)}. */
  public AdamW withBetas(double b1, double b2) {
    return new AdamW(schedule, b1, b2, eps, weightDecay, clipNorm);
  }

  /** This optimizer with {@code ε} added to the denominator. */
  public AdamW withEps(double newEps) {
    return new AdamW(schedule, beta1, beta2, newEps, weightDecay, clipNorm);
  }

  /** This optimizer with decoupled weight decay {@code wd} ({@code p ← p − lr·wd·p} each step). */
  public AdamW withWeightDecay(double wd) {
    return new AdamW(schedule, beta1, beta2, eps, wd, clipNorm);
  }

  @Override
  public AdamW withSchedule(Schedule newSchedule) {
    return new AdamW(newSchedule, beta1, beta2, eps, weightDecay, clipNorm);
  }

  @Override
  public AdamW withLearningRate(double lr) {
    return withSchedule(Schedule.constant(lr));
  }

  @Override
  public AdamW withClipNorm(double maxNorm) {
    return new AdamW(schedule, beta1, beta2, eps, weightDecay, maxNorm);
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

  /** The decoupled weight decay. */
  public double weightDecay() {
    return weightDecay;
  }

  @Override
  public Step step(Net net, Map<Path, Tensor> grads, OptState state) {
    return Stepper.step("AdamW", net, grads, state, schedule, clipNorm,
        new AdamRule(beta1, beta2, eps, weightDecay, true));
  }

  @Override
  public String toString() {
    return "AdamW[lr " + schedule + ", betas (" + beta1 + ", " + beta2 + "), eps " + eps
        + (weightDecay == 0 ? "" : ", weight decay " + weightDecay)
        + (clipNorm == Double.POSITIVE_INFINITY ? "" : ", clip " + clipNorm) + "]";
  }
}
