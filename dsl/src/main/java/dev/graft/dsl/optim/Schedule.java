package dev.graft.dsl.optim;

/**
 * A learning rate as a function of the step: {@code at(t)} is the rate the update numbered {@code
 * t} uses, where {@code t} counts the updates made before it ({@code 0} for the first, as in
 * {@link OptState#step()}).
 *
 * <p>Warm-up is linear and never wastes a step: update {@code t < warmup} uses {@code peak·(t+1) /
 * warmup}, so the first update already moves and update {@code warmup − 1} uses the peak. Cosine
 * decay goes from the peak to {@code finalLr} over its steps, {@code finalLr + (peak − finalLr)·½(1
 * + cos(π·t/steps))}, and stays at {@code finalLr} afterwards (Optax's {@code cosine_decay_schedule},
 * PyTorch's {@code CosineAnnealingLR} for one half period).
 */
@FunctionalInterface
public interface Schedule {
  /** The learning rate of the update numbered {@code step} (0 for the first). */
  double at(long step);

  /** The same rate at every step. */
  static Schedule constant(double lr) {
    return new Schedules.Constant(lr);
  }

  /** Linear warm-up from {@code peak / warmupSteps} to {@code peak}, then {@code peak}. */
  static Schedule linearWarmup(double peak, long warmupSteps) {
    if (warmupSteps < 1) {
      throw new IllegalArgumentException("Schedule.linearWarmup: warm-up steps must be >= 1, got "
          + warmupSteps);
    }
    return new Schedules.WarmupCosine(peak, warmupSteps, warmupSteps, peak);
  }

  /** Cosine decay from {@code peak} to 0 over {@code decaySteps}, then 0. */
  static Schedule cosineDecay(double peak, long decaySteps) {
    return cosineDecay(peak, decaySteps, 0.0);
  }

  /** Cosine decay from {@code peak} to {@code finalLr} over {@code decaySteps}, then {@code finalLr}. */
  static Schedule cosineDecay(double peak, long decaySteps, double finalLr) {
    return new Schedules.WarmupCosine(peak, 0, decaySteps, finalLr);
  }

  /**
   * Linear warm-up over {@code warmupSteps}, then cosine decay to {@code finalLr} at step {@code
   * totalSteps} (counted from the start, warm-up included), then {@code finalLr}.
   */
  static Schedule warmupCosine(double peak, long warmupSteps, long totalSteps, double finalLr) {
    return new Schedules.WarmupCosine(peak, warmupSteps, totalSteps, finalLr);
  }

  /** Warm-up then cosine decay to 0 at {@code totalSteps}. */
  static Schedule warmupCosine(double peak, long warmupSteps, long totalSteps) {
    return warmupCosine(peak, warmupSteps, totalSteps, 0.0);
  }
}
