package dev.graft.runtime;

/**
 * A thin QR factorization {@code A = Q · R} of an {@code (m, n)} matrix, {@code k = min(m, n)}:
 * {@code q} is {@code (m, k)} with orthonormal columns, {@code r} is {@code (k, n)} upper
 * triangular with a non-negative diagonal (which makes it unique for a full-rank {@code A}).
 */
public record Qr(Tensor q, Tensor r) {
  /** Checks that the two shapes fit together. */
  public Qr {
    int[] qs = q.shapeRef();
    int[] rs = r.shapeRef();
    if (qs.length != 2 || rs.length != 2 || qs[1] != rs[0]) {
      throw new IllegalArgumentException("Qr: shapes q " + Shapes.format(qs) + ", r "
          + Shapes.format(rs) + " do not fit (m, k), (k, n)");
    }
  }
}
