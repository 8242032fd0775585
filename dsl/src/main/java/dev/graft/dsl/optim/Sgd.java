package dev.graft.dsl.optim;

import java.util.List;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, with
 * PyTorch's {@code torch.optim.SGD} semantics (dampening 0): {@code g ← g + wd·p}; with momentum
 * {@code μ}, {@code b ← μ·b + g} (so {@code b = g} at the first step) and the direction is {@code b},
 * or {@code g + μ·b} with Nesterov; then {@code p ← p − lr·direction}.
 *
 * <pre>{@code
 * Sgd.of(0.1).withMomentum(0.9).nesterov()
 * }</pre>
 */
public final class Sgd extends RuleOptimizer<Sgd> {
  /** The state slot holding each leaf's momentum buffer {@code b}. */
  public static final String MOMENTUM = "momentum";

  private final double momentum;
  private final boolean nesterov;
  private final double weightDecay;

  private Sgd(Schedule schedule, double momentum, boolean nesterov, double weightDecay,
      double clipNorm) {
    super(schedule, clipNorm);
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("Sgd: momentum must be in [0, 1), got " + momentum);
    }
    if (nesterov && momentum == 0) {
      throw new IllegalArgumentException("Sgd: Nesterov needs a momentum > 0; call"
          + " withMomentum(m) before nesterov()");
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("Sgd: weight decay must be finite and >= 0, got "
          + weightDecay);
    }
    this.momentum = momentum;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
  }

  /** Plain SGD with learning rate {@code lr}. */
  public static Sgd of(double lr) {
    return of(Schedule.constant(lr));
  }

  /** Plain SGD with a learning-rate schedule. */
  public static Sgd of(Schedule schedule) {
    return new Sgd(schedule, 0, false, 0, Double.POSITIVE_INFINITY);
  }

  /** This optimizer with momentum {@code μ} in {@code [0, 1)}. */
  public Sgd withMomentum(double mu) {
    return new Sgd(schedule(), mu, nesterov, weightDecay, clipNorm());
  }

  /** This optimizer with Nesterov momentum (needs a momentum set first). */
  public Sgd nesterov() {
    return new Sgd(schedule(), momentum, true, weightDecay, clipNorm());
  }

  /** This optimizer with L2 weight decay {@code wd} added to the gradient. */
  public Sgd withWeightDecay(double wd) {
    return new Sgd(schedule(), momentum, nesterov, wd, clipNorm());
  }

  @Override
  String name() {
    return "Sgd";
  }

  @Override
  Sgd with(Schedule newSchedule, double newClipNorm) {
    return new Sgd(newSchedule, momentum, nesterov, weightDecay, newClipNorm);
  }

  /** The momentum {@code μ} (0 for none). */
  public double momentum() {
    return momentum;
  }

  /** Whether the momentum is Nesterov's. */
  public boolean isNesterov() {
    return nesterov;
  }

  /** The L2 weight decay. */
  public double weightDecay() {
    return weightDecay;
  }

  @Override
  Stepper.Rule rule() {
    float mu = (float) momentum;
    float wd = (float) weightDecay;
    return new Stepper.Rule() {
      @Override
      public List<String> slots() {
        return momentum == 0 ? List.of() : List.of(MOMENTUM);
      }

      @Override
      public void update(float[] p, float[] g, float[][] slots, long t, double lr) {
        float a = (float) lr;
        if (momentum == 0) {
          for (int i = 0; i < p.length; i++) {
            p[i] -= a * (g[i] + wd * p[i]);
          }
          return;
        }
        float[] b = slots[0];
        for (int i = 0; i < p.length; i++) {
          float gi = g[i] + wd * p[i];
          b[i] = mu * b[i] + gi;
          p[i] -= a * (nesterov ? gi + mu * b[i] : b[i]);
        }
      }
    };
  }

  @Override
  String details() {
    return (momentum == 0 ? "" : ", momentum " + momentum) + (nesterov ? ", nesterov" : "")
        + (weightDecay == 0 ? "" : ", weight decay " + weightDecay);
  }
}
