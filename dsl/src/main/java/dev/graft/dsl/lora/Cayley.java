package dev.graft.dsl.lora;

import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;

/**
 * The Cayley map of OFT, built from {@link Tensor} operations only so it is differentiable: for a
 * batch {@code S (n, r, r)}, {@code Q_i = S_i − S_iᵀ} (skew-symmetric) and {@code R_i = (I + Q_i)
 * (I − Q_i)⁻¹}, an orthogonal matrix, {@code R_i = I} at {@code S_i = 0}.
 *
 * <p>The inverse is exact, not a series: block elimination (the Schur-complement form of Gaussian
 * elimination) applied recursively to halves, written with matmul, slice, concat and division.
 * No pivoting is needed: {@code I − Q} has the identity as its symmetric part, so {@code vᵀ(I −
 * Q)v = ‖v‖²}; every leading block and every Schur complement inherits that property, hence is
 * invertible, and {@code ‖(I − Q)⁻¹‖₂ ≤ 1}, so the elimination is well conditioned for any
 * {@code S}.
 */
final class Cayley {
  private Cayley() {}

  /** {@code R_i = (I + Q_i)(I − Q_i)⁻¹}, {@code Q_i = S_i − S_iᵀ}, for {@code S (..., r, r)}. */
  public static Tensor rotations(Tensor s) {
    if (s.ndim() < 2 || s.dim(-2) != s.dim(-1)) {
      throw new IllegalArgumentException("Cayley: S must be (..., r, r), got "
          + Shapes.format(s.shape()));
    }
    Tensor q = s.minus(s.transpose());
    Tensor eye = identity(s.dim(-1));
    return eye.plus(q).matmul(inverse(eye.minus(q)));
  }

  /** The {@code (r, r)} identity matrix. */
  public static Tensor identity(int r) {
    float[] d = new float[r * r];
    for (int i = 0; i < r; i++) {
      d[i * r + i] = 1f;
    }
    return Tensor.of(d, r, r);
  }

  /**
   * The inverse of each {@code (..., k, k)} matrix by recursive block elimination without
   * pivoting: {@code M = [[A, B], [C, D]]}, {@code S = D − C A⁻¹ B}, {@code M⁻¹ = [[A⁻¹ + A⁻¹ B
   * S⁻¹ C A⁻¹, −A⁻¹ B S⁻¹], [−S⁻¹ C A⁻¹, S⁻¹]]}. Exact up to rounding for matrices whose leading
   * blocks and Schur complements are invertible — guaranteed when the symmetric part is positive
   * definite, as for {@code I − Q} with skew {@code Q}; other matrices may need pivoting and are
   * better served by {@code Linalg.inverse}.
   */
  public static Tensor inverse(Tensor m) {
    int n = m.dim(-1);
    int rows = m.ndim() - 2;
    int cols = m.ndim() - 1;
    if (n == 1) {
      return Tensor.ones(m.shape()).div(m);
    }
    int k = n / 2;
    Tensor a = m.slice(rows, 0, k).slice(cols, 0, k);
    Tensor b = m.slice(rows, 0, k).slice(cols, k, n);
    Tensor c = m.slice(rows, k, n).slice(cols, 0, k);
    Tensor d = m.slice(rows, k, n).slice(cols, k, n);
    Tensor ai = inverse(a);
    Tensor aib = ai.matmul(b);                                   // A⁻¹ B
    Tensor cai = c.matmul(ai);                                   // C A⁻¹
    Tensor si = inverse(d.minus(c.matmul(aib)));                 // S⁻¹
    Tensor topRight = aib.matmul(si).unaryMinus();               // −A⁻¹ B S⁻¹
    Tensor bottomLeft = si.matmul(cai).unaryMinus();             // −S⁻¹ C A⁻¹
    Tensor topLeft = ai.minus(topRight.matmul(cai));             // A⁻¹ + A⁻¹ B S⁻¹ C A⁻¹
    return Tensor.concat(rows, Tensor.concat(cols, topLeft, topRight),
        Tensor.concat(cols, bottomLeft, si));
  }
}
