package dev.graft.dsl.lora;

import dev.graft.runtime.Dispatch;
import dev.graft.runtime.Tensor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * DoRA's magnitude arithmetic (arXiv 2402.09353), used by {@link DoRAAdapter} on a
 * weight seen as {@code W_f (out, in)}: the row norms {@code ‖W_f + s·B A‖}, the
 * per-row factor {@code m / ‖·‖} with the norm held constant in the backward pass, and the merged
 * weight.
 *
 * <p>A row whose sum {@code W_i + s·(B A)_i} is zero has no direction: its direction is defined as
 * zero, so the row's output (and its merged weight) is zero rather than {@code 0/0 = NaN}, and its
 * gradients are zero. The same holds for a row whose norm is too small for its reciprocal to be a
 * float ({@code < 1/Float.MAX_VALUE}).
 *
 * <p>Rows where {@code W} and {@code s·B A} nearly cancel are ill-conditioned in float32: the
 * norm, the factored forward {@code x W_iᵀ + s·(x Aᵀ) B_iᵀ} and the dense sum {@code W_i + s·(B
 * A)_i} each lose the digits that cancel, and DoRA then divides by the small norm. Such rows are
 * computed from the sum formed in double: the norm always ({@link #rowNormsOfSum}), the merged row
 * ({@link #merged}) and, through a constant correction that leaves the gradient as it is, the
 * forward value ({@link Rows#corrected}).
 */
final class DoRAMagnitude {
  /**
   * A factored row whose squared norm keeps less than this share of the size of its parts has
   * lost more than one bit to cancellation; its norm is recomputed from the dense row.
   */
  static final double CANCELLATION_LIMIT = 0.5;

  /**
   * A row whose norm is below this share of the size of its parts (four bits cancel) is
   * ill-conditioned enough for its forward value and merged row to be taken from the exact sum.
   */
  static final double EXACT_ROW_LIMIT = 1.0 / 16;

  private DoRAMagnitude() {}

  /**
   * The constants of one DoRA forward: {@code 1/‖W_f + s·B A‖} per row (0 for a row without
   * direction) and, when some rows are ill-conditioned, those rows of {@code W_f + s·B A}
   * rounded once from double ({@code exact}, other rows zero) with a 0/1 {@code mask} of them.
   *
   * @param inverse {@code (out)}
   * @param exact {@code (out, in)} or null when no row is ill-conditioned
   * @param mask {@code (out)} or null when no row is ill-conditioned
   */
  public record Rows(Tensor inverse, @Nullable Tensor exact, @Nullable Tensor mask) {
    /**
     * {@code numerator} (the factored {@code W x + s·B A x}, output axis first after the batch,
     * followed by {@code spatialDims} axes) with its ill-conditioned rows replaced by {@code
     * exactForward} of the exact rows; the replacement is a constant, so the gradient is the
     * factored numerator's. Unchanged when no row is ill-conditioned.
     */
    public Tensor corrected(Tensor numerator, int spatialDims,
        Function<Tensor, Tensor> exactForward) {
      if (exact == null || mask == null) {
        return numerator;
      }
      Tensor y = numerator.stopGradient();
      Tensor fix = exactForward.apply(exact).minus(y).times(RowScale.forOutput(mask, spatialDims));
      return numerator.plus(fix.stopGradient());
    }
  }

  /** The L2 norm of each row of {@code flat (out, in)}: the initial magnitude {@code m}. */
  public static Tensor rowNorms(Tensor flat) {
    return flat.norm(new int[] {1}, false);
  }

  /**
   * {@code m / ‖W_f + s·B A‖} per row as {@code m ⊙ c} with {@code c = 1/‖·‖} a constant to
   * autodiff (DoRA §4.3), and {@code c = 0} on a zero row. No gradient of size {@code (out, in)}
   * is ever recorded.
   */
  public static Tensor factor(Tensor magnitude, Tensor flatWeight, Tensor a, Tensor b,
      double scale) {
    return magnitude.times(rows(flatWeight, a, b, scale).inverse());
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
    double[] n2 = analyse(flatWeight, a, b, scale).n2;
    float[] out = new float[n2.length];
    for (int i = 0; i < n2.length; i++) {
      out[i] = (float) Math.sqrt(n2[i]);
    }
    return Tensor.adopt(out, n2.length);
  }

  /**
   * The merged {@code W_f' = m ⊙ (W_f + s·B A) / ‖W_f + s·B A‖}, row-wise; zero rows stay 0 and
   * ill-conditioned rows use the sum formed in double.
   */
  public static Tensor merged(Tensor magnitude, Tensor flatWeight, Tensor a, Tensor b,
      double scale) {
    Rows rows = rows(flatWeight, a, b, scale);
    Tensor factor = magnitude.times(rows.inverse());
    Tensor combined = flatWeight.plus(LowRank.product(b, a, scale));
    if (rows.exact() != null && rows.mask() != null) {
      Tensor keep = rows.mask().times(-1f).plus(1f);
      combined = RowScale.onRows(combined, keep).plus(rows.exact());
    }
    return RowScale.onRows(combined, factor);
  }

  /** The constants of one forward call; see {@link Rows}. */
  public static Rows rows(Tensor flatWeight, Tensor a, Tensor b, double scale) {
    Analysis an = analyse(flatWeight, a, b, scale);
    int out = an.n2.length;
    float[] inv = new float[out];
    for (int i = 0; i < out; i++) {
      double r = 1 / Math.sqrt(an.n2[i]);
      inv[i] = r <= Float.MAX_VALUE ? (float) r : Double.isNaN(r) ? Float.NaN : 0f;
    }
    Tensor inverse = Tensor.adopt(inv, out);
    if (an.exact == null) {
      return new Rows(inverse, null, null);
    }
    return new Rows(inverse, Tensor.adopt(an.exact, out, an.exact.length / out),
        Tensor.adopt(an.mask, out));
  }

  /** Squared norms, and the exact rows where the sum is ill-conditioned. */
  private static final class Analysis {
    double[] n2;
    float @Nullable [] exact;
    float @Nullable [] mask;
  }

  /** {@code ‖W_i + s·(B A)_i‖²} per row in double, with the dense fallback on cancelling rows. */
  private static Analysis analyse(Tensor flatWeight, Tensor a, Tensor b, double scale) {
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
      Analysis an = new Analysis();
      an.n2 = new double[out];
      double[] row = new double[in];
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
          double g = 0;
          for (int l = 0; l < r; l++) {
            g += gram[k * r + l] * bv[i * r + l];
          }
          quad += bik * g;
        }
        double sum = ww + 2 * s * cross + s * s * quad;
        double size = Math.sqrt(ww) + Math.abs(s) * parts;
        if (sum >= CANCELLATION_LIMIT * size * size) {
          an.n2[i] = sum;
          continue;
        }
        denseRow(w, av, bv, s, i, in, r, row);
        double acc = 0;
        for (double v : row) {
          acc += v * v;
        }
        an.n2[i] = acc;
        if (acc < EXACT_ROW_LIMIT * EXACT_ROW_LIMIT * size * size) {
          if (an.exact == null) {
            an.exact = new float[out * in];
            an.mask = new float[out];
          }
          for (int j = 0; j < in; j++) {
            an.exact[i * in + j] = (float) row[j];
          }
          an.mask[i] = 1f;
        }
      }
      return an;
    });
  }

  /** Row {@code i} of {@code W + s·B A} in double, into {@code row}. */
  private static void denseRow(float[] w, float[] a, float[] b, double s, int i, int in, int r,
      double[] row) {
    for (int j = 0; j < in; j++) {
      double u = 0;
      for (int k = 0; k < r; k++) {
        u += (double) b[i * r + k] * a[k * in + j];
      }
      row[j] = w[i * in + j] + s * u;
    }
  }
}
