package dev.graft.runtime;

import java.util.Arrays;

/**
 * A thin singular value decomposition {@code A ≈ U · diag(S) · Vt} of an {@code (m, n)} matrix:
 * {@code u} is {@code (m, k)} with orthonormal columns, {@code s} is {@code (k)} non-negative and
 * descending, {@code vt} is {@code (k, n)} with orthonormal rows. {@code k} is {@code min(m, n)}
 * for {@link Linalg#svd} and the requested rank for {@link Linalg#randomizedSvd}.
 */
public record Svd(Tensor u, Tensor s, Tensor vt) {
  /** Checks that the three shapes fit together. */
  public Svd {
    int[] us = u.shapeRef();
    int[] ss = s.shapeRef();
    int[] vs = vt.shapeRef();
    if (us.length != 2 || ss.length != 1 || vs.length != 2 || us[1] != ss[0] || vs[0] != ss[0]) {
      throw new IllegalArgumentException("Svd: shapes u " + Shapes.format(us) + ", s "
          + Shapes.format(ss) + ", vt " + Shapes.format(vs) + " do not fit (m, k), (k), (k, n)");
    }
  }

  /** Number of singular triplets {@code k}. */
  public int rank() {
    return s.shapeRef()[0];
  }

  /** The first {@code r} singular triplets (the best rank-{@code r} approximation's factors). */
  public Svd truncate(int r) {
    int k = rank();
    if (r < 0 || r > k) {
      throw new IllegalArgumentException("Svd.truncate: rank " + r + " not in [0, " + k + "]");
    }
    if (r == k) {
      return this;
    }
    int m = u.shapeRef()[0];
    int n = vt.shapeRef()[1];
    float[] ud = u.data();
    float[] uo = new float[m * r];
    for (int i = 0; i < m; i++) {
      System.arraycopy(ud, i * k, uo, i * r, r);
    }
    return new Svd(Tensor.adopt(uo, m, r), Tensor.adopt(Arrays.copyOf(s.data(), r), r),
        Tensor.adopt(Arrays.copyOf(vt.data(), r * n), r, n));
  }

  /** {@code U · diag(S) · Vt}, accumulated in double precision. */
  public Tensor reconstruct() {
    int k = rank();
    int m = u.shapeRef()[0];
    int n = vt.shapeRef()[1];
    float[] ud = u.data();
    float[] sd = s.data();
    float[] vd = vt.data();
    float[] out = new float[m * n];
    double[] row = new double[n];
    for (int i = 0; i < m; i++) {
      Arrays.fill(row, 0.0);
      for (int t = 0; t < k; t++) {
        double f = (double) ud[i * k + t] * sd[t];
        int base = t * n;
        for (int j = 0; j < n; j++) {
          row[j] += f * vd[base + j];
        }
      }
      for (int j = 0; j < n; j++) {
        out[i * n + j] = (float) row[j];
      }
    }
    return Tensor.adopt(out, m, n);
  }
}
