package dev.graft.runtime.kernel;

import java.util.Arrays;

/**
 * Batched float32 matrix multiplication: validates shapes, broadcasts batch axes and hands each
 * matrix product to {@link Gemm}, which picks the direct, plain-Java packed or Vector API kernel.
 */
public final class Matmul {
  private Matmul() {}

  /**
   * The kernel large products run on in this JVM, e.g. {@code "plain-java"} or
   * {@code "vector-api 12x32 (512-bit)"}, with the thread count; for benchmark reports.
   */
  public static String kernelName() {
    return Gemm.PACKED.name() + ", " + Parallel.THREADS + " thread(s)";
  }

  /**
   * {@code op(a) · op(b)} where {@code op} transposes the last two axes when asked, with the
   * leading (batch) axes broadcast; {@code out} is the result's shape.
   */
  public static float[] matmul(float[] a, int[] aShape, boolean transposeA, float[] b,
      int[] bShape, boolean transposeB, int[] out) {
    if (aShape.length < 2 || bShape.length < 2 || out.length < 2) {
      throw new IllegalArgumentException("matmul: operands need rank >= 2, got a "
          + Arrays.toString(aShape) + ", b " + Arrays.toString(bShape) + ", out "
          + Arrays.toString(out));
    }
    int ar = aShape.length;
    int br = bShape.length;
    int m = transposeA ? aShape[ar - 1] : aShape[ar - 2];
    int k = transposeA ? aShape[ar - 2] : aShape[ar - 1];
    int kb = transposeB ? bShape[br - 1] : bShape[br - 2];
    int n = transposeB ? bShape[br - 2] : bShape[br - 1];
    int or = out.length;
    if (k != kb || out[or - 2] != m || out[or - 1] != n) {
      throw new IllegalArgumentException("matmul: shapes do not agree: a " + Arrays.toString(aShape)
          + (transposeA ? "ᵀ" : "") + " · b " + Arrays.toString(bShape) + (transposeB ? "ᵀ" : "")
          + " -> out " + Arrays.toString(out));
    }
    int batch = 1;
    for (int d = 0; d < or - 2; d++) {
      batch = Math.multiplyExact(batch, out[d]);
    }
    float[] c = new float[Math.multiplyExact(batch, Math.multiplyExact(m, n))];
    if (c.length == 0 || k == 0) {
      return c;
    }
    int[] aIndex = MatmulBatch.of("matmul a", aShape, out);
    int[] bIndex = MatmulBatch.of("matmul b", bShape, out);
    long aMat = (long) aShape[ar - 2] * aShape[ar - 1];
    long bMat = (long) bShape[br - 2] * bShape[br - 1];
    long madds = (long) m * n * k;
    if (batch > 1 && madds < Gemm.THREAD_MIN && madds * batch >= Gemm.THREAD_MIN) {
      // Many small products: one thread per group of whole products.
      GemmKernel kernel = Gemm.kernelFor(madds);
      Parallel.forRange(batch, madds * batch, Gemm.THREAD_MIN, (from, to) -> {
        for (int t = from; t < to; t++) {
          Gemm.gemm(kernel, 1, m, n, k, a, (int) (aIndex[t] * aMat), transposeA, b,
              (int) (bIndex[t] * bMat), transposeB, c, t * m * n);
        }
      });
      return c;
    }
    for (int t = 0; t < batch; t++) {
      Gemm.gemm(m, n, k, a, (int) (aIndex[t] * aMat), transposeA, b, (int) (bIndex[t] * bMat),
          transposeB, c, t * m * n);
    }
    return c;
  }
}
