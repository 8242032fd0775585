package dev.graft.dsl.optim;

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
public final class Adam extends AdamOptimizer<Adam> {
  private Adam(Schedule schedule, double beta1, double beta2, double eps, double weightDecay,
      double clipNorm) {
    super(Adam::new, schedule, beta1, beta2, eps, weightDecay, clipNorm);
  }

  /** Adam with learning rate {@code lr} and PyTorch's defaults otherwise. */
  public static Adam of(double lr) {
    return of(Schedule.constant(lr));
  }

  /** Adam with a learning-rate schedule and PyTorch's defaults otherwise. */
  public static Adam of(Schedule schedule) {
    return new Adam(schedule, 0.9, 0.999, 1e-8, 0, Double.POSITIVE_INFINITY);
  }
}
