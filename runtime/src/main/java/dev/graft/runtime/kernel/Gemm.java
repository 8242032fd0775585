package dev.graft.runtime.kernel;

/** One float32 matrix product {@code C = op(A) · op(B)} over flat row-major arrays. */
final class Gemm {
  private Gemm() {}

  /**
   * Writes the {@code m×n} product into {@code c} at {@code cOff} (row-major, assumed zero).
   * {@code A} is {@code m×k} ({@code k×m} when {@code ta}) at {@code aOff}; {@code B} is
   * {@code k×n} ({@code n×k} when {@code tb}) at {@code bOff}.
   */
  static void gemm(int m, int n, int k, float[] a, int aOff, boolean ta, float[] b, int bOff,
      boolean tb, float[] c, int cOff) {
    float[] bk;
    int bkOff;
    if (tb) {
      bk = new float[k * n];
      bkOff = 0;
      for (int j = 0; j < n; j++) {
        for (int p = 0; p < k; p++) {
          bk[p * n + j] = b[bOff + j * k + p];
        }
      }
    } else {
      bk = b;
      bkOff = bOff;
    }
    Parallel.forRange(m, (long) m * n * k, 1L << 18, (from, to) -> {
      for (int i = from; i < to; i++) {
        int ci = cOff + i * n;
        for (int p = 0; p < k; p++) {
          float aip = ta ? a[aOff + p * m + i] : a[aOff + i * k + p];
          int bp = bkOff + p * n;
          for (int j = 0; j < n; j++) {
            c[ci + j] += aip * bk[bp + j];
          }
        }
      }
    });
  }
}
