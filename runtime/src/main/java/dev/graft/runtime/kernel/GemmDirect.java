package dev.graft.runtime.kernel;

/**
 * The unpacked matmul for small products, where packing and threads would cost more than the
 * arithmetic: rows of {@code C} accumulate {@code a(i,p) · B[p,:]} when {@code B}'s rows are
 * contiguous (C2 vectorizes that loop), otherwise each element is a dot product with four
 * independent partial sums.
 */
final class GemmDirect implements GemmKernel {
  @Override
  public String name() {
    return "direct";
  }

  @Override
  public void gemm(int m, int n, int k, float[] a, int aOff, int ars, int acs, float[] b,
      int bOff, int brs, int bcs, float[] c, int cOff, int crs, int ccs) {
    if (bcs == 1 && ccs == 1) {
      for (int i = 0; i < m; i++) {
        int ci = cOff + i * crs;
        int ai = aOff + i * ars;
        for (int p = 0; p < k; p++) {
          axpy(a[ai + p * acs], b, bOff + p * brs, c, ci, n);
        }
      }
      return;
    }
    for (int i = 0; i < m; i++) {
      int ai = aOff + i * ars;
      int ci = cOff + i * crs;
      for (int j = 0; j < n; j++) {
        int bj = bOff + j * bcs;
        float s = acs == 1 && brs == 1 ? dot(a, ai, b, bj, k) : dot(a, ai, acs, b, bj, brs, k);
        c[ci + j * ccs] += s;
      }
    }
  }

  private static void axpy(float x, float[] b, int bo, float[] c, int co, int n) {
    for (int j = 0; j < n; j++) {
      c[co + j] += x * b[bo + j];
    }
  }

  private static float dot(float[] a, int ao, float[] b, int bo, int k) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    int p = 0;
    for (; p + 4 <= k; p += 4) {
      s0 = Math.fma(a[ao + p], b[bo + p], s0);
      s1 = Math.fma(a[ao + p + 1], b[bo + p + 1], s1);
      s2 = Math.fma(a[ao + p + 2], b[bo + p + 2], s2);
      s3 = Math.fma(a[ao + p + 3], b[bo + p + 3], s3);
    }
    for (; p < k; p++) {
      s0 = Math.fma(a[ao + p], b[bo + p], s0);
    }
    return (s0 + s1) + (s2 + s3);
  }

  private static float dot(float[] a, int ao, int as, float[] b, int bo, int bs, int k) {
    float s0 = 0f;
    float s1 = 0f;
    int p = 0;
    for (; p + 2 <= k; p += 2) {
      s0 = Math.fma(a[ao + p * as], b[bo + p * bs], s0);
      s1 = Math.fma(a[ao + (p + 1) * as], b[bo + (p + 1) * bs], s1);
    }
    if (p < k) {
      s0 = Math.fma(a[ao + p * as], b[bo + p * bs], s0);
    }
    return s0 + s1;
  }
}
