package dev.graft.dsl.lora;

import dev.graft.runtime.Init;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import dev.graft.testkit.MatmulReference;

/**
 * Reference matrices for the SVD-, Kronecker- and rotation-based zoo tests, computed with plain
 * loops in double precision so they do not share code with what they check.
 */
final class ZooMatrices {
  private ZooMatrices() {}

  /**
   * An {@code (out, in)} matrix {@code U diag(sigma) Vᵀ} with random orthonormal {@code U (out,
   * k)} and {@code V (in, k)}, {@code k = sigma.length ≤ min(out, in)}: its singular values are
   * exactly {@code sigma} (up to float rounding).
   */
  static Tensor withSpectrum(Key key, int out, int in, double... sigma) {
    int k = sigma.length;
    float[] u = Init.orthogonal(key.foldIn(0), out, k).toArray();
    float[] v = Init.orthogonal(key.foldIn(1), in, k).toArray();
    float[] w = new float[out * in];
    for (int i = 0; i < out; i++) {
      for (int j = 0; j < in; j++) {
        double acc = 0;
        for (int t = 0; t < k; t++) {
          acc += u[i * k + t] * sigma[t] * v[j * k + t];
        }
        w[i * in + j] = (float) acc;
      }
    }
    return Tensor.of(w, out, in);
  }

  /** {@code a · b} for 2-d matrices, in double. */
  static Tensor matmul(Tensor a, Tensor b) {
    return Tensor.of(MatmulReference.matmul(a.toArray(), a.shape(), false, b.toArray(),
        b.shape(), false, false), a.dim(0), b.dim(1));
  }

  /** The transpose of a 2-d matrix. */
  static Tensor transpose(Tensor a) {
    int m = a.dim(0);
    int n = a.dim(1);
    float[] x = a.toArray();
    float[] out = new float[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        out[j * m + i] = x[i * n + j];
      }
    }
    return Tensor.of(out, n, m);
  }

  /** The {@code (r, r)} identity. */
  static Tensor eye(int r) {
    float[] d = new float[r * r];
    for (int i = 0; i < r; i++) {
      d[i * r + i] = 1;
    }
    return Tensor.of(d, r, r);
  }
}
