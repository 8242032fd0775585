package dev.graft.dsl.optim;

import dev.graft.dsl.tree.Path;
import dev.graft.runtime.Tensor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Gradient clipping by global norm: the gradients of all leaves together are one vector; when its
 * L2 norm exceeds {@code maxNorm}, every gradient is multiplied by {@code maxNorm / norm} (Optax's
 * {@code clip_by_global_norm}; PyTorch's {@code clip_grad_norm_} without its {@code 1e-6}). Below
 * the limit the gradients are returned unchanged. Optimizers apply it themselves when given {@code
 * withClipNorm}; these functions are for code that steps by hand.
 */
public final class Clip {
  private Clip() {}

  /**
   * The L2 norm of all gradients together, accumulated in double precision. One gradient tensor
   * at several paths (a tied weight's) counts once.
   */
  public static double globalNorm(Map<Path, Tensor> grads) {
    double sum = 0;
    Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Tensor g : grads.values()) {
      if (seen.add(g)) {
        sum += sumOfSquares(g.toArray());
      }
    }
    return Math.sqrt(sum);
  }

  /**
   * The gradients scaled so their global norm is at most {@code maxNorm}; the same map when it
   * already is.
   */
  public static Map<Path, Tensor> byGlobalNorm(Map<Path, Tensor> grads, double maxNorm) {
    checkMaxNorm("Clip.byGlobalNorm", maxNorm);
    double scale = scale(globalNorm(grads), maxNorm);
    if (scale == 1.0) {
      return grads;
    }
    Map<Path, Tensor> out = new LinkedHashMap<>();
    Map<Tensor, Tensor> scaled = new IdentityHashMap<>(); // a tied weight's gradient stays one
    for (Map.Entry<Path, Tensor> e : grads.entrySet()) {
      out.put(e.getKey(), scaled.computeIfAbsent(e.getValue(), g -> g.times((float) scale)));
    }
    return Collections.unmodifiableMap(out);
  }

  /** The factor that brings a gradient of norm {@code norm} to at most {@code maxNorm}. */
  static double scale(double norm, double maxNorm) {
    return norm > maxNorm ? maxNorm / norm : 1.0;
  }

  static double sumOfSquares(float[] g) {
    double s = 0;
    for (float v : g) {
      s += (double) v * v;
    }
    return s;
  }

  static void checkMaxNorm(String op, double maxNorm) {
    if (!(maxNorm > 0) || Double.isNaN(maxNorm)) {
      throw new IllegalArgumentException(op + ": the maximum norm must be > 0 (or infinite for no"
          + " clipping), got " + maxNorm);
    }
  }
}
