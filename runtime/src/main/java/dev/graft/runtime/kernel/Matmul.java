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
    if (batch > 1 && !transposeA && br == 2 && consecutive(aIndex)) {
      // Every product shares B and A's matrices follow each other: one (batch·m)×k product, as
      // a dense layer over (..., in) inputs runs (and as Fused.linear computes it).
      Gemm.gemm(Math.multiplyExact(batch, m), n, k, a, 0, false, b, 0, transposeB, c, 0);
      return c;
    }
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

  private static boolean consecutive(int[] index) {
    for (int t = 0; t < index.length; t++) {
      if (index[t] != t) {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes {@code op(A)·op(B)} into the caller's row-major {@code m×n} array {@code c} at
   * {@code cOff} (adds it to what is there when {@code accumulate}), then applies the epilogue
   * (bias over columns, activation) to each block of the result while it is still in cache. Nothing
   * is allocated per call and {@code c} need not be zeroed first. {@code A} is {@code m×k}
   * ({@code k×m} when {@code transposeA}) at {@code aOff}, {@code B} {@code k×n} ({@code n×k}
   * when {@code transposeB}) at {@code bOff}, both row-major. Large products run on
   * {@link Parallel#THREADS} threads; the result is bit for bit the same on any thread count.
   * A residual is added by copying it into {@code c} first and accumulating (it is then summed
   * before the epilogue's activation, as in {@code act(x·W + b + r)}).
   * For {@code y = x·Wᵀ + b} with {@code W} stored {@code out×in}: {@code gemm(batch, out, in, x, 0,
   * false, w, 0, true, y, 0, false, MatmulEpilogue.bias(b, 0))}.
   *
   * @throws IllegalArgumentException when a size is negative or an operand, the output or the
   *     bias is too short for its offset and shape
   */
  public static void gemm(int m, int n, int k, float[] a, int aOff, boolean transposeA, float[] b,
      int bOff, boolean transposeB, float[] c, int cOff, boolean accumulate,
      MatmulEpilogue epilogue) {
    long madds = (long) m * n * k;
    gemm(Gemm.threadsFor(madds), m, n, k, a, aOff, transposeA, b, bOff, transposeB, c, cOff,
        accumulate, epilogue);
  }

  /**
   * As {@link #gemm(int, int, int, float[], int, boolean, float[], int, boolean, float[], int,
   * boolean, MatmulEpilogue)} on at most {@code threads} threads (never more than
   * {@link Parallel#THREADS}); for benchmarks that compare thread counts in one process.
   */
  public static void gemm(int threads, int m, int n, int k, float[] a, int aOff,
      boolean transposeA, float[] b, int bOff, boolean transposeB, float[] c, int cOff,
      boolean accumulate, MatmulEpilogue epilogue) {
    if (m < 0 || n < 0 || k < 0 || threads < 1) {
      throw new IllegalArgumentException("matmul gemm: negative size or no thread: m " + m
          + ", n " + n + ", k " + k + ", threads " + threads);
    }
    check("a", a, aOff, (long) m * k);
    check("b", b, bOff, (long) k * n);
    check("c", c, cOff, (long) m * n);
    java.util.Objects.requireNonNull(epilogue, "matmul gemm: epilogue");
    if (epilogue.bias() != null) {
      check("bias", epilogue.bias(), epilogue.biasOffset(), n);
    }
    long madds = (long) m * n * k;
    Gemm.gemm(Gemm.kernelFor(madds), Math.min(threads, Parallel.THREADS), m, n, k, a, aOff,
        transposeA, b, bOff, transposeB, c, cOff, accumulate, epilogue);
  }

  private static void check(String what, float[] x, int off, long size) {
    if (off < 0 || off + size > x.length) {
      throw new IllegalArgumentException("matmul gemm: " + what + " needs " + size
          + " elements from offset " + off + ", has length " + x.length);
    }
  }
}
