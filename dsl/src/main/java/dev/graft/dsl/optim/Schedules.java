package dev.graft.dsl.optim;

/** The built-in {@link Schedule}s, as values with a readable {@code toString}. */
final class Schedules {
  private Schedules() {}

  static void checkRate(String what, double lr) {
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException(what + " must be a finite number >= 0, got " + lr);
    }
  }

  /** One rate for every step. */
  record Constant(double lr) implements Schedule {
    Constant {
      checkRate("Schedule.constant: the learning rate", lr);
    }

    @Override
    public double at(long step) {
      return lr;
    }

    @Override
    public String toString() {
      return "constant(" + lr + ")";
    }
  }

  /**
   * Linear warm-up over {@code warmup} steps, then cosine from {@code peak} at step {@code warmup}
   * to {@code finalLr} at step {@code total}, then {@code finalLr}; {@code total == warmup} means
   * no decay (the rate stays at the peak).
   */
  record WarmupCosine(double peak, long warmup, long total, double finalLr) implements Schedule {
    WarmupCosine {
      checkRate("Schedule: the peak learning rate", peak);
      checkRate("Schedule: the final learning rate", finalLr);
      if (warmup < 0) {
        throw new IllegalArgumentException("Schedule: warm-up steps must be >= 0, got " + warmup);
      }
      if (total < warmup || (total == 0 && warmup == 0)) {
        throw new IllegalArgumentException("Schedule: the decay must end after the warm-up and"
            + " take at least one step; got warm-up " + warmup + ", total " + total);
      }
    }

    @Override
    public double at(long step) {
      if (step < 0) {
        throw new IllegalArgumentException("Schedule.at: step must be >= 0, got " + step);
      }
      if (step < warmup) {
        return peak * (step + 1) / warmup;
      }
      if (total == warmup) {
        return peak;
      }
      if (step >= total) {
        return finalLr;
      }
      double progress = (double) (step - warmup) / (total - warmup);
      return finalLr + (peak - finalLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    @Override
    public String toString() {
      if (total == warmup) {
        return "linearWarmup(" + peak + ", " + warmup + ")";
      }
      return (warmup == 0 ? "cosineDecay(" + peak : "warmupCosine(" + peak + ", " + warmup)
          + ", " + total + ", " + finalLr + ")";
    }
  }
}
