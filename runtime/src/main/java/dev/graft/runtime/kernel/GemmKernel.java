package dev.graft.runtime.kernel;

/**
 * A single-threaded float32 product {@code C = A · B} over strided views of flat arrays: element
 * {@code (i, p)} of {@code A} is {@code a[aOff + i * ars + p * acs]}, and likewise for {@code B}
 * ({@code k×n}) and {@code C} ({@code m×n}). Strides express transposes without copying.
 */
interface GemmKernel {
  /**
   * Leaves {@code A · B} in {@code C}, which must be zero on entry (a kernel may store its first
   * partial sums rather than add them); runs on the calling thread.
   */
  void gemm(int m, int n, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff,
      int brs, int bcs, float[] c, int cOff, int crs, int ccs);

  /** A short name for benchmark output and diagnostics. */
  String name();
}
