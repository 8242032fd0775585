package dev.graft.runtime.kernel;

/**
 * {@code W + (s·B)·A} for a low rank {@code r} in one pass over {@code W}: each output row is
 * {@code r} scaled rows of {@code A} summed into a row buffer, then added to {@code W}'s row and
 * written once. A merge of LoRA-style factors thus reads {@code W} once and writes the result
 * once, where a matmul followed by an add writes and reads a dense {@code (out, in)} temporary.
 *
 * <p>Rounding follows the unfused expression {@code W + (s·B)·A}: the scale is applied to each
 * factor element in float, and a row's {@code r} terms are summed in order {@code 0..r-1}
 * ({@code t = x0·a0}, then {@code t = fma(xp, ap, t)}) before the one addition of {@code W}.
 * Rows are independent, so results do not depend on the thread count.
 */
public final class LowRankUpdate {
  /** Output elements from which rows are split across the kernel threads. */
  private static final long PARALLEL_ELEMENTS = 1 << 16;

  private LowRankUpdate() {}

  /**
   * A fresh {@code (out, in)} array {@code w + (bs·B)·(as·A)}, all row-major: {@code w} is
   * {@code (out, in)}, {@code b} is {@code (out, r)}, {@code a} is {@code (r, in)}. {@code
   * scaleB} multiplies every element of {@code B}, {@code scaleA} every element of {@code A}
   * (pass 1 for the factor left unscaled; a scale of exactly 1 leaves a factor's bits as they
   * are).
   */
  public static float[] plusScaledProduct(float[] w, float[] b, float scaleB, float[] a,
      float scaleA, int out, int in, int r) {
    return plusScaledProduct(w, b, scaleB, a, scaleA, out, in, r, true);
  }

  /** As above; {@code parallel = false} keeps every row on the calling thread (for tests). */
  static float[] plusScaledProduct(float[] w, float[] b, float scaleB, float[] a, float scaleA,
      int out, int in, int r, boolean parallel) {
    if (w.length != out * in || b.length != out * r || a.length != r * in || r < 1) {
      throw new IllegalArgumentException("LowRankUpdate: W has " + w.length + " values, B "
          + b.length + ", A " + a.length + "; expected (" + out + ", " + in + "), (" + out + ", "
          + r + "), (" + r + ", " + in + ") with r >= 1");
    }
    // A's rows as separate arrays at offset zero: C2 vectorizes the row loops below over
    // distinct arrays, not over several offsets of one array.
    float[][] rows = new float[r][in];
    for (int p = 0; p < r; p++) {
      float[] row = rows[p];
      System.arraycopy(a, p * in, row, 0, in);
      if (scaleA != 1f) {
        for (int j = 0; j < in; j++) {
          row[j] *= scaleA;
        }
      }
    }
    float[] c = new float[out * in];
    Parallel.forRange(out, (long) out * in, parallel ? PARALLEL_ELEMENTS : Long.MAX_VALUE,
        (from, to) -> {
      float[] t = new float[in];
      for (int i = from; i < to; i++) {
        rowUpdate(w, b, scaleB, rows, c, t, i, in, r);
      }
    });
    return c;
  }

  private static void rowUpdate(float[] w, float[] b, float scaleB, float[][] rows, float[] c,
      float[] t, int i, int in, int r) {
    float x0 = b[i * r] * scaleB;
    float[] a0 = rows[0];
    for (int j = 0; j < in; j++) {
      t[j] = x0 * a0[j];
    }
    for (int p = 1; p < r; p++) {
      float xp = b[i * r + p] * scaleB;
      float[] ap = rows[p];
      for (int j = 0; j < in; j++) {
        t[j] = Math.fma(xp, ap[j], t[j]);
      }
    }
    int off = i * in;
    for (int j = 0; j < in; j++) {
      c[off + j] = w[off + j] + t[j];
    }
  }
}
