package dev.graft.dsl.lora;

import dev.graft.runtime.Tensor;

/**
 * The rotation of PEFT's OFT ({@code peft.tuners.oft}, 0.21), which {@link PeftOFTLinear} follows.
 * Each stored row {@code v} of {@code oft_R.weight (k, b(b−1)/2)} fills the strict upper triangle
 * of a {@code (b, b)} matrix {@code U} row by row ({@code torch.triu_indices(b, b, 1)} order), and
 * {@code Q = U − Uᵀ} is skew-symmetric. The block rotation is then
 *
 * <ul>
 *   <li>with {@code use_cayley_neumann} and {@code t} terms, PEFT's truncated series for {@code (I
 *       + Q)(I − Q)⁻¹}: {@code I + 2Q + 2Q² + … + 2Q^{t−2} + Q^{t−1}} for {@code t ≥ 4}, {@code I +
 *       2Q + 2Q² + Q³} for {@code t = 3}, {@code I + 2Q} for {@code t = 2}, {@code I} for {@code t ≤
 *       1} (exactly PEFT's loop; not orthogonal, only close to it for small {@code Q});
 *   <li>without it, the exact {@code (I − Q)(I + Q)⁻¹} that PEFT solves for (note: the transpose
 *       of what the series approximates, as in PEFT).
 * </ul>
 *
 * With {@code coft}, {@code Q} is first projected into the Frobenius ball of radius {@code eps/√k}
 * (PEFT does this in place before every use; here it is a straight-through step: the forward
 * sees the projected value, the gradient flows as if it were the identity, as in PEFT).
 */
final class PeftOFT {
  private PeftOFT() {}

  /** The number of stored values of a block of size {@code b}: {@code b(b−1)/2}. */
  public static int elements(int b) {
    return b * (b - 1) / 2;
  }

  /** The block size {@code b ≥ 2} with {@code b(b−1)/2 = n} ({@code n = 0}: 1), or -1. */
  public static int blockSizeOf(int n) {
    int b = (int) Math.round((1 + Math.sqrt(1 + 8.0 * n)) / 2);
    return elements(b) == n && b >= 1 ? b : -1;
  }

  /** {@code Q (k, b, b)} from the packed upper triangles {@code v (k, b(b−1)/2)}. */
  public static Tensor skew(Tensor v, int b) {
    int n = elements(b);
    float[] scatter = new float[n * b * b];
    int e = 0;
    for (int row = 0; row < b; row++) {
      for (int col = row + 1; col < b; col++) {
        scatter[e * b * b + row * b + col] = 1f;
        e++;
      }
    }
    Tensor u = v.matmul(Tensor.of(scatter, n, b * b)).reshape(v.dim(0), b, b);
    return u.minus(u.transpose());
  }

  /** PEFT's COFT projection of {@code v}, straight-through (see the class comment). */
  public static Tensor project(Tensor v, double eps) {
    int k = v.dim(0);
    double radius = eps / Math.sqrt(k);
    float[] d = v.stopGradient().toArray();
    int n = v.dim(1);
    float[] out = d.clone();
    for (int i = 0; i < k; i++) {
      double sq = 0;
      for (int j = 0; j < n; j++) {
        sq += (double) d[i * n + j] * d[i * n + j];
      }
      double norm = Math.sqrt(2 * sq); // ‖U − Uᵀ‖_F
      if (norm > radius) {
        for (int j = 0; j < n; j++) {
          out[i * n + j] = (float) (d[i * n + j] * (radius / norm));
        }
      }
    }
    return v.plus(Tensor.of(out, v.shape()).minus(v).stopGradient());
  }

  /** The {@code (k, b, b)} rotations of {@code v (k, b(b−1)/2)}; see the class comment. */
  public static Tensor rotations(Tensor v, int b, boolean neumann, int terms) {
    if (b == 1) {
      return Tensor.ones(v.dim(0), 1, 1); // blocks of one value: nothing to rotate
    }
    Tensor q = skew(v, b);
    Tensor eye = Cayley.identity(b);
    if (!neumann) {
      return eye.minus(q).matmul(Cayley.inverse(eye.plus(q)));
    }
    Tensor r = eye.broadcastTo(q.shape());
    if (terms > 1) {
      r = r.plus(q.times(2f));
      if (terms > 2) {
        Tensor q2 = q.matmul(q);
        r = r.plus(q2.times(2f));
        Tensor power = q2;
        for (int i = 3; i < terms - 1; i++) {
          power = power.matmul(q);
          r = r.plus(power.times(2f));
        }
        power = power.matmul(q);
        r = r.plus(power);
      }
    }
    return r;
  }
}
