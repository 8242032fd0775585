package dev.graft.runtime;

/**
 * Thin QR by Householder reflections on row-major double arrays, with {@code R}'s diagonal made
 * non-negative (so the factorization of a full-rank matrix is unique). Used by {@link Linalg#qr},
 * {@link Init#orthogonal} and the randomized SVD; rows are streamed, never columns, so the inner
 * loops run over contiguous memory.
 */
final class Householder {
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
      java.util.Arrays.fill(dots, j, n, 0.0);
      for (int i = j; i < m; i++) {
        double vi = v[i - j];
        int row = i * n;
        for (int c = j; c < n; c++) {
          dots[c] += vi * w[row + c];
        }
      }
      for (int i = j; i < m; i++) {
        double f = tau * v[i - j];
        int row = i * n;
        for (int c = j; c < n; c++) {
          w[row + c] -= f * dots[c];
        }
      }
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
      double[] v = vs[j];
      java.util.Arrays.fill(qd, 0.0);
      for (int i = j; i < m; i++) {
        double vi = v[i - j];
        int row = i * k;
        for (int c = j; c < k; c++) {
          qd[c] += vi * q[row + c];
        }
      }
      for (int i = j; i < m; i++) {
        double f = tau * v[i - j];
        int row = i * k;
        for (int c = j; c < k; c++) {
          q[row + c] -= f * qd[c];
        }
      }
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
}
