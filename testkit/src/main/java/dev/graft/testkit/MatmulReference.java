package dev.graft.testkit;

import java.util.Arrays;

/**
 * The naive triple-loop batched matmul that kernels and VJP rules are checked against: double
 * accumulation, NumPy batch broadcasting, either operand transposed in its last two axes, on flat
 * row-major values with their shapes.
 */
public final class MatmulReference {
  private MatmulReference() {}

  /** The result shape of {@code op(a) · op(b)}; batch axes broadcast as in NumPy. */
  public static int[] outShape(int[] aShape, boolean transposeA, int[] bShape,
      boolean transposeB) {
    int ar = aShape.length;
    int br = bShape.length;
    if (ar < 2 || br < 2) {
      throw new IllegalArgumentException("MatmulReference: need rank >= 2, got "
          + Arrays.toString(aShape) + " and " + Arrays.toString(bShape));
    }
    int m = transposeA ? aShape[ar - 1] : aShape[ar - 2];
    int k = transposeA ? aShape[ar - 2] : aShape[ar - 1];
    int kb = transposeB ? bShape[br - 1] : bShape[br - 2];
    int n = transposeB ? bShape[br - 2] : bShape[br - 1];
    if (k != kb) {
      throw new IllegalArgumentException("MatmulReference: inner sizes differ, "
          + Arrays.toString(aShape) + " and " + Arrays.toString(bShape));
    }
    int nb = Math.max(ar, br) - 2;
    int[] out = new int[nb + 2];
    for (int d = 0; d < nb; d++) {
      int da = d - (nb - (ar - 2));
      int db = d - (nb - (br - 2));
      int sa = da < 0 ? 1 : aShape[da];
      int sb = db < 0 ? 1 : bShape[db];
      if (sa != sb && sa != 1 && sb != 1) {
        throw new IllegalArgumentException("MatmulReference: batch axes do not broadcast, "
            + Arrays.toString(aShape) + " and " + Arrays.toString(bShape));
      }
      out[d] = sa == 1 ? sb : sa;
    }
    out[nb] = m;
    out[nb + 1] = n;
    return out;
  }

  /**
   * The flat row-major result of {@code op(a) · op(b)}. With {@code abs} every term is taken in
   * absolute value, which gives the scale a float32 rounding-error bound is relative to.
   */
  public static float[] matmul(float[] a, int[] aShape, boolean transposeA, float[] b,
      int[] bShape, boolean transposeB, boolean abs) {
    int[] out = outShape(aShape, transposeA, bShape, transposeB);
    int ar = aShape.length;
    int br = bShape.length;
    int nb = out.length - 2;
    int m = out[nb];
    int n = out[nb + 1];
    int k = transposeA ? aShape[ar - 2] : aShape[ar - 1];
    int batch = 1;
    for (int d = 0; d < nb; d++) {
      batch *= out[d];
    }
    float[] c = new float[batch * m * n];
    int[] idx = new int[nb];
    for (int t = 0; t < batch; t++) {
      int rem = t;
      for (int d = nb - 1; d >= 0; d--) {
        idx[d] = rem % out[d];
        rem /= out[d];
      }
      int aBase = matrixOffset(aShape, idx);
      int bBase = matrixOffset(bShape, idx);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int p = 0; p < k; p++) {
            float x = transposeA ? a[aBase + p * m + i] : a[aBase + i * k + p];
            float y = transposeB ? b[bBase + j * k + p] : b[bBase + p * n + j];
            double term = (double) x * y;
            s += abs ? Math.abs(term) : term;
          }
          c[(t * m + i) * n + j] = (float) s;
        }
      }
    }
    return c;
  }

  /** Flat offset of the matrix an operand contributes at result batch index {@code idx}. */
  private static int matrixOffset(int[] shape, int[] idx) {
    int r = shape.length;
    int nb = r - 2;
    int off = 0;
    for (int d = 0; d < nb; d++) {
      int o = idx[idx.length - nb + d];
      off = off * shape[d] + (shape[d] == 1 ? 0 : o);
    }
    return off * shape[r - 2] * shape[r - 1];
  }
}
