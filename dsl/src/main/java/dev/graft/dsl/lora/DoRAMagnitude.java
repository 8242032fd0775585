package dev.graft.dsl.lora;

import dev.graft.runtime.Tensor;

/**
 * DoRA's magnitude arithmetic (arXiv 2402.09353), shared by {@link DoRALinear} and {@link
 * DoRAConv} on a weight seen as {@code W_f (out, in)}: the row norms {@code ‖W_f + s·B A‖}, the
 * per-row factor {@code m / ‖·‖} with the norm held constant in the backward pass, and the merged
 * weight.
 */
public final class DoRAMagnitude {
  private DoRAMagnitude() {}

  /** The L2 norm of each row of {@code flat (out, in)}: the initial magnitude {@code m}. */
  public static Tensor rowNorms(Tensor flat) {
    return flat.norm(new int[] {1}, false);
  }

  /**
   * {@code m / ‖W_f + s·B A‖} per row, the norm computed from stop-gradient factors and then
   * stopped itself, so it is a constant to autodiff (DoRA §4.3): the {@code (out, in)} matrix is
   * formed once, and no gradient of that size is ever recorded.
   */
  public static Tensor factor(Tensor magnitude, Tensor flatWeight, Tensor a, Tensor b,
      double scale) {
    Tensor norms = rowNormsOfSum(flatWeight, a.stopGradient(), b.stopGradient(), scale);
    return magnitude.div(norms.stopGradient());
  }

  /**
   * {@code ‖W_f + s·B A‖} per row without forming the {@code (out, in)} sum: {@code ‖W_i‖² +
   * 2s·W_i·(B A)_i + s²·‖(B A)_i‖²}, where {@code W_i·(B A)_i = B_i·(W Aᵀ)_i} and {@code ‖(B
   * A)_i‖² = B_i (A Aᵀ) B_iᵀ} need only {@code (out, r)} and {@code (r, r)} products. One pass
   * over {@code W} (its squares) instead of three dense {@code (out, in)} temporaries per call;
   * the squared norm is clamped at zero against rounding.
   */
  public static Tensor rowNormsOfSum(Tensor flatWeight, Tensor a, Tensor b, double scale) {
    int[] rows = {1};
    Tensor ww = flatWeight.square().sum(rows, false);
    Tensor cross = b.times(flatWeight.matmul(a, false, true)).sum(rows, false);
    Tensor quad = b.matmul(a.matmul(a, false, true)).times(b).sum(rows, false);
    return ww.plus(cross.times((float) (2 * scale))).plus(quad.times((float) (scale * scale)))
        .maximum(0f).sqrt();
  }

  /** The merged {@code W_f' = m ⊙ (W_f + s·B A) / ‖W_f + s·B A‖}, row-wise. */
  public static Tensor merged(Tensor magnitude, Tensor flatWeight, Tensor a, Tensor b,
      double scale) {
    Tensor combined = flatWeight.plus(LowRank.product(b, a, scale));
    return RowScale.onRows(combined, magnitude.div(rowNorms(combined)));
  }
}
