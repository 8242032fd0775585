package dev.graft.dsl.lora;

import dev.graft.runtime.Dispatch;
import dev.graft.runtime.Tensor;

/**
 * DoRA's magnitude arithmetic (arXiv 2402.09353), shared by {@link DoRALinear} and {@link
 * DoRAConv} on a weight seen as {@code W_f (out, in)}: the row norms {@code ‖W_f + s·B A‖}, the
 * per-row factor {@code m / ‖·‖} with the norm held constant in the backward pass, and the merged
 * weight.
 *
 * <p>A row whose sum {@code W_i + s·(B A)_i} is zero has no direction: its direction is defined as
 * zero, so the row's output (and its merged weight) is zero rather than {@code 0/0 = NaN}, and its
 * gradients are zero. The same holds for a row whose norm is too small for its reciprocal to be a
 * float ({@code < 1/Float.MAX_VALUE}).
 */
public final class DoRAMagnitude {
  /**
   * A factored row whose squared norm keeps less than this share of the size of its parts has
   * lost more than one bit to cancellation; it is recomputed from the dense row.
   */
  static final double CANCELLATION_LIMIT = 0.5;

  private DoRAMagnitude() {}

  /** The L2 norm of each row of {@code flat (out, in)}: the initial magnitude {@code m}. */
  public static Tensor rowNorms(Tensor flat) {
    return flat.norm(new int[] {1}, false);
  }

  /**
   * {@code m / ‖W_f + s·B A‖} per row as {@code m ⊙ c} with {@code c = 1/‖·‖} a constant to
   * autodiff (DoRA §4.3), and {@code c = 0} on a zero row. No {@code (out, in)} matrix is formed,
   * and no gradient of that size is ever recorded.
   */
  public static Tensor factor(Tensor magnitude, Tensor flatWeight, Tensor a, Tensor b,
      double scale) {
    return magnitude.times(inverseNorms(flatWeight, a, b, scale));
  }

  /**
   * {@code ‖W_f + s·B A‖} per row without forming the {@code (out, in)} sum: {@code ‖W_i‖² +
   * 2s·B_i·(W Aᵀ)_i + s²·B_i (A Aᵀ) B_iᵀ}, where only {@code W Aᵀ (out, r)} is a float32 product
   * and every sum is accumulated in double. When that sum keeps less than half of the size of its
   * parts, {@code (‖W_i‖ + |s|·Σ_k |B_ik|·‖A_k‖)²}, rounding could dominate it, so the row is
   * recomputed from its dense entries in double. Each norm is thus as accurate as the float32
   * dense formula's, also on rows where {@code W} and the update nearly cancel. Computed eagerly
   * (never traced): the result is a constant.
   */
  public static Tensor rowNormsOfSum(Tensor flatWeight, Tensor a, Tensor b, double scale) {
    double[] n2 = squaredNorms(flatWeight, a, b, scale);
    float[] out = new float[n2.length];
    for (int i = 0; i < n2.length; i++) {
      out[i] = (float) Math.sqrt(n2[i]);
    }
    return Tensor.adopt(out, n2.length);
  }

  /** The merged {@code W_f' = m ⊙ (W_f + s·B A) / ‖W_f + s·B A‖}, row-wise; zero rows stay 0. */
  public static Tensor merged(Tensor magnitude, Tensor flatWeight, Tensor a, Tensor b,
      double scale) {
    Tensor combined = flatWeight.plus(LowRank.product(b, a, scale));
    return RowScale.onRows(combined, factor(magnitude, flatWeight, a, b, scale));
  }

  /** {@code 1/‖W_f + s·B A‖} per row, 0 where the row has no direction; a constant. */
  static Tensor inverseNorms(Tensor flatWeight, Tensor a, Tensor b, double scale) {
    double[] n2 = squaredNorms(flatWeight, a, b, scale);
    float[] inv = new float[n2.length];
    for (int i = 0; i < n2.length; i++) {
      double r = 1 / Math.sqrt(n2[i]);
      inv[i] = r <= Float.MAX_VALUE ? (float) r : Double.isNaN(r) ? Float.NaN : 0f;
    }
    return Tensor.adopt(inv, n2.length);
  }

  /** {@code ‖W_i + s·(B A)_i‖²} per row in double, with the dense fallback on cancelling rows. */
  static double[] squaredNorms(Tensor flatWeight, Tensor a, Tensor b, double scale) {
    return Dispatch.with(Dispatch.eager(), () -> {
      int out = flatWeight.dim(0);
      int in = flatWeight.dim(1);
      int r = a.dim(0);
      float[] w = flatWeight.toArray();
      float[] av = a.toArray();
      float[] bv = b.toArray();
      float[] wa = flatWeight.matmul(a, false, true).toArray();      // (out, r), float32
      double[] gram = new double[r * r];                               // A Aᵀ in double
      double[] aNorm = new double[r];
      for (int k = 0; k < r; k++) {
        for (int l = 0; l <= k; l++) {
          double g = 0;
          for (int j = 0; j < in; j++) {
            g += (double) av[k * in + j] * av[l * in + j];
          }
          gram[k * r + l] = g;
          gram[l * r + k] = g;
        }
        aNorm[k] = Math.sqrt(gram[k * r + k]);
      }
      double s = scale;
      double[] n2 = new double[out];
      for (int i = 0; i < out; i++) {
        double ww = 0;
        for (int j = 0; j < in; j++) {
          double v = w[i * in + j];
          ww += v * v;
        }
        double cross = 0;
        double parts = 0;
        double quad = 0;
        for (int k = 0; k < r; k++) {
          double bik = bv[i * r + k];
          cross += bik * wa[i * r + k];
          parts += Math.abs(bik) * aNorm[k];
          double row = 0;
          for (int l = 0; l < r; l++) {
            row += gram[k * r + l] * bv[i * r + l];
          }
          quad += bik * row;
        }
        double sum = ww + 2 * s * cross + s * s * quad;
        double size = Math.sqrt(ww) + Math.abs(s) * parts;
        n2[i] = sum >= CANCELLATION_LIMIT * size * size ? sum
            : denseRow(w, av, bv, s, i, in, r);
      }
      return n2;
    });
  }

  /** {@code Σ_j (W_ij + s·Σ_k B_ik A_kj)²} in double. */
  private static double denseRow(float[] w, float[] a, float[] b, double s, int i, int in, int r) {
    double acc = 0;
    for (int j = 0; j < in; j++) {
      double u = 0;
      for (int k = 0; k < r; k++) {
        u += (double) b[i * r + k] * a[k * in + j];
      }
      double v = w[i * in + j] + s * u;
      acc += v * v;
    }
    return acc;
  }
}
