package dev.graft.dsl.optim;

import java.util.List;

/**
 * The bias-corrected Adam update shared by {@link Adam} and {@link AdamW}, in PyTorch's form:
 * {@code m ← β₁m + (1−β₁)g}, {@code v ← β₂v + (1−β₂)g²}, {@code p ← p − (lr / (1−β₁ᵗ))·m /
 * (√v / √(1−β₂ᵗ) + ε)}. Weight decay is either coupled (added to the gradient: {@code g ← g + wd·p},
 * Adam) or decoupled (applied to the weight first: {@code p ← p − lr·wd·p}, AdamW).
 */
record AdamRule(double beta1, double beta2, double eps, double weightDecay, boolean decoupled)
    implements Stepper.Rule {
  /** The state slot of the first-moment estimates. */
  static final String M = "m";
  /** The state slot of the second-moment estimates. */
  static final String V = "v";

  static void check(String op, double beta1, double beta2, double eps, double weightDecay) {
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException(op + ": betas must be in [0, 1), got (" + beta1 + ", "
          + beta2 + ")");
    }
    if (!(eps >= 0) || Double.isInfinite(eps)) {
      throw new IllegalArgumentException(op + ": eps must be finite and >= 0, got " + eps);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException(op + ": weight decay must be finite and >= 0, got "
          + weightDecay);
    }
  }

  @Override
  public List<String> slots() {
    return List.of(M, V);
  }

  @Override
  public void update(float[] p, float[] g, float[][] slots, long t, double lr) {
    float[] m = slots[0];
    float[] v = slots[1];
    float b1 = (float) beta1;
    float b2 = (float) beta2;
    float c1 = (float) (1 - beta1);
    float c2 = (float) (1 - beta2);
    float stepSize = (float) (lr / (1 - Math.pow(beta1, t)));
    float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, t));
    float e = (float) eps;
    float decay = decoupled ? (float) (1 - lr * weightDecay) : 1f;
    float l2 = decoupled ? 0f : (float) weightDecay;
    for (int i = 0; i < p.length; i++) {
      float pi = p[i] * decay;
      float gi = g[i] + l2 * p[i];
      float mi = b1 * m[i] + c1 * gi;
      float vi = b2 * v[i] + c2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] = pi - stepSize * mi / ((float) Math.sqrt(vi) / bc2Sqrt + e);
    }
  }
}
