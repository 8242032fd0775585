package dev.graft.dsl.optim;

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
public final class AdamW extends AdamOptimizer<AdamW> {
  private AdamW(Schedule schedule, double beta1, double beta2, double eps, double weightDecay,
      double clipNorm) {
    super(AdamW::new, schedule, beta1, beta2, eps, weightDecay, clipNorm);
  }

  /** AdamW with learning rate {@code lr} and PyTorch's defaults otherwise (weight decay 0.01). */
  public static AdamW of(double lr) {
    return of(Schedule.constant(lr));
  }

  /** AdamW with a learning-rate schedule and PyTorch's defaults otherwise (weight decay 0.01). */
  public static AdamW of(Schedule schedule) {
    return new AdamW(schedule, 0.9, 0.999, 1e-8, 0.01, Double.POSITIVE_INFINITY);
  }
}
