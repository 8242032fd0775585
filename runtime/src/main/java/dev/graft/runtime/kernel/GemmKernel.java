package dev.graft.runtime.kernel;

import org.jspecify.annotations.Nullable;

/**
 * A float32 product {@code C = A · B} over strided views of flat arrays: element {@code (i, p)}
 * of {@code A} is {@code a[aOff + i * ars + p * acs]}, and likewise for {@code B} ({@code k×n})
 * and {@code C} ({@code m×n}). Strides express transposes without copying.
 */
interface GemmKernel {
  /** Adds {@code A · B} into {@code C} on the calling thread. */
  void gemm(int m, int n, int k, float[] a, int aOff, int ars, int acs, float[] b, int bOff,
      int brs, int bcs, float[] c, int cOff, int crs, int ccs);

  /**
   * {@code C = A · B} ({@code C += A · B} when {@code accumulate}), then the epilogue when not
   * null, on up to {@code threads} threads. Every element gets the same sums in the same order
   * whatever {@code threads} is. The default splits {@code C} into disjoint slices, each computed
   * by {@link #gemm(int, int, int, float[], int, int, int, float[], int, int, int, float[], int,
   * int, int)}; a kernel that shares packed operands between threads overrides it.
   */
  default void gemm(int threads, int m, int n, int k, float[] a, int aOff, int ars, int acs,
      float[] b, int bOff, int brs, int bcs, float[] c, int cOff, int crs, int ccs,
      boolean accumulate, @Nullable MatmulEpilogue epilogue) {
    if (!accumulate) {
      Gemm.zero(c, cOff, crs, ccs, m, n);
    }
    Gemm.split(this, threads, m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, crs, ccs);
    if (epilogue != null) {
      epilogue.apply(c, cOff, crs, ccs, 0, m, 0, n);
    }
  }

  /** A short name for benchmark output and diagnostics. */
  String name();
}
