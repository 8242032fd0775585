package dev.graft.runtime;

import dev.graft.runtime.kernel.Parallel;

/**
 * Thin QR by Householder reflections on row-major double arrays, with {@code R}'s diagonal made
 * non-negative (so the factorization of a full-rank matrix is unique). Used by {@link Linalg#qr},
 * {@link Init#orthogonal} and the randomized SVD; rows are streamed, never columns, so the inner
 * loops run over contiguous memory.
 */
final class Householder {
  /** Matrix entries touched by one reflection from which it is split across threads. */
  private static final long PARALLEL_MIN = 1 << 16;

  private Householder() {}

  /** {@code Q} (rows × k) and {@code R} (k × cols), {@code k = min(rows, cols)}, row-major. */
  record Factors(double[] q, double[] r, int rows, int cols, int k) {}

  /** Factors the row-major {@code rows × cols} matrix {@code a}; {@code a} is not modified. */
  static Factors factor(double[] a, int rows, int cols) {
    int m = rows;
    int n = cols;
    int k = Math.min(m, n);
    double[] w = a.clone();
    double[][] vs = new double[k][];
    double[] taus = new double[k];
    double[] dots = new double[n];
    for (int j = 0; j < k; j++) {
      // Reflector for column j, rows j..m-1: H = I - tau v vᵀ with v[0] = 1.
      double below2 = 0;
      for (int i = j + 1; i < m; i++) {
        double x = w[i * n + j];
        below2 += x * x;
      }
      double alpha = w[j * n + j];
      double[] v = new double[m - j];
      v[0] = 1;
      vs[j] = v;
      if (below2 == 0) {
        continue; // already zero below the diagonal: H = I (tau 0)
      }
      double norm = Math.hypot(alpha, Math.sqrt(below2));
      double beta = alpha >= 0 ? -norm : norm;
      double scale = 1.0 / (alpha - beta);
      for (int i = j + 1; i < m; i++) {
        v[i - j] = w[i * n + j] * scale;
      }
      double tau = (beta - alpha) / beta;
      taus[j] = tau;
      // Apply to columns j..n-1: A -= tau v (vᵀ A).
      reflect(w, n, v, tau, j, m, j, n, dots);
    }
    double[] r = new double[k * n];
    for (int i = 0; i < k; i++) {
      System.arraycopy(w, i * n + i, r, i * n + i, n - i);
    }
    // Q = H_0 ... H_{k-1} I[:, :k], accumulated backwards.
    double[] q = new double[m * k];
    for (int i = 0; i < k; i++) {
      q[i * k + i] = 1;
    }
    double[] qd = new double[k];
    for (int j = k - 1; j >= 0; j--) {
      double tau = taus[j];
      if (tau == 0) {
        continue;
      }
      reflect(q, k, vs[j], tau, j, m, j, k, qd);
    }
    // Non-negative diagonal: flip column i of Q and row i of R together.
    for (int i = 0; i < k; i++) {
      if (r[i * n + i] < 0) {
        for (int c = i; c < n; c++) {
          r[i * n + c] = -r[i * n + c];
        }
        for (int row = 0; row < m; row++) {
          q[row * k + i] = -q[row * k + i];
        }
      }
    }
    return new Factors(q, r, m, n, k);
  }

  /**
   * {@code X[r0:r1, c0:c1] -= tau v (vᵀ X[r0:r1, c0:c1])} on a row-major matrix with row length
   * {@code width}; column ranges are independent, so large updates split them across threads.
   */
  private static void reflect(double[] x, int width, double[] v, double tau, int r0, int r1,
      int c0, int c1, double[] dots) {
    long work = (long) (r1 - r0) * (c1 - c0);
    Parallel.forRange(c1 - c0, work, PARALLEL_MIN, (from, to) -> {
      int lo = c0 + from;
      int hi = c0 + to;
      java.util.Arrays.fill(dots, lo, hi, 0.0);
      for (int i = r0; i < r1; i++) {
        double vi = v[i - r0];
        int row = i * width;
        for (int c = lo; c < hi; c++) {
          dots[c] += vi * x[row + c];
        }
      }
      for (int i = r0; i < r1; i++) {
        double f = tau * v[i - r0];
        int row = i * width;
        for (int c = lo; c < hi; c++) {
          x[row + c] -= f * dots[c];
        }
      }
    });
  }
}
