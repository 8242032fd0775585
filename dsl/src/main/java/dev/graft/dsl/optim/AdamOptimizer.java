package dev.graft.dsl.optim;

/**
 * The one implementation of {@link Adam} and {@link AdamW}: hyperparameters, their checks, the
 * step and the description; the two differ only in whether the weight decay is coupled (L2 added to
 * the gradient) or decoupled (applied to the weight first). See {@link AdamRule} for the update.
 * The schedule and clipping withers ({@code withSchedule}, {@code withLearningRate},
 * {@code withClipNorm}) return the concrete optimizer too.
 *
 * @param <S> the concrete optimizer, returned by the {@code with...} methods
 */
public abstract sealed class AdamOptimizer<S extends AdamOptimizer<S>> extends RuleOptimizer<S>
    permits Adam, AdamW {
  /** Builds the concrete optimizer from its hyperparameters (its constructor). */
  @FunctionalInterface
  interface Maker<S> {
    S make(Schedule schedule, double beta1, double beta2, double eps, double weightDecay,
        double clipNorm);
  }

  private final Maker<S> maker;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;

  AdamOptimizer(Maker<S> maker, Schedule schedule, double beta1, double beta2, double eps,
      double weightDecay, double clipNorm) {
    super(schedule, clipNorm);
    AdamRule.check(name(), beta1, beta2, eps, weightDecay);
    this.maker = maker;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
  }

  /** {@code "Adam"} or {@code "AdamW"}: names the optimizer in messages. */
  @Override
  final String name() {
    return getClass().getSimpleName();
  }

  /** Whether the weight decay is applied to the weight first (AdamW) rather than as L2. */
  final boolean decoupled() {
    return this instanceof AdamW;
  }

  @Override
  final S with(Schedule newSchedule, double newClipNorm) {
    return maker.make(newSchedule, beta1, beta2, eps, weightDecay, newClipNorm);
  }

  /** This optimizer with moment decay rates {@code β₁, β₂} in {@code [0, 1)}. */
  public S withBetas(double b1, double b2) {
    return maker.make(schedule(), b1, b2, eps, weightDecay, clipNorm());
  }

  /** This optimizer with {@code ε} added to the denominator. */
  public S withEps(double newEps) {
    return maker.make(schedule(), beta1, beta2, newEps, weightDecay, clipNorm());
  }

  /**
   * This optimizer with weight decay {@code wd}: L2 added to the gradient for {@link Adam},
   * decoupled ({@code p ← p − lr·wd·p} each step) for {@link AdamW}.
   */
  public S withWeightDecay(double wd) {
    return maker.make(schedule(), beta1, beta2, eps, wd, clipNorm());
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
  final Stepper.Rule rule() {
    return new AdamRule(beta1, beta2, eps, weightDecay, decoupled());
  }

  @Override
  final String details() {
    return ", betas (" + beta1 + ", " + beta2 + "), eps " + eps
        + (weightDecay == 0 ? "" : (decoupled() ? ", weight decay " : ", L2 ") + weightDecay);
  }
}
