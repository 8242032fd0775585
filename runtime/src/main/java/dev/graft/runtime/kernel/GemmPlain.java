package dev.graft.runtime.kernel;

import java.util.Arrays;

/**
 * The portable packed matmul, written so that HotSpot's C2 auto-vectorizes its inner loops.
 *
 * <p>A {@code KC×NC} block of {@code B} is packed into one array per row (C2 vectorizes loops
 * over several distinct arrays at offset zero, not several offsets into one array). Four rows of
 * {@code C} accumulate in zero-offset row buffers, two {@code k} steps at a time
 * ({@code c_r[j] = fma(a_r1, b1[j], fma(a_r0, b0[j], c_r[j]))}): two loads of {@code B} feed eight
 * FMAs. The buffers are added into {@code C} once per block (C is accumulated into, never assumed
 * zero).
 */
final class GemmPlain implements GemmKernel {
  static final int KC = 256;
  static final int NC = 512;

  /** Per-thread packing space: KC rows of B, four C-row buffers, four A rows interleaved. */
  private static final class Buffers {
    final float[][] bRows = new float[KC][NC];
    final float[] c0 = new float[NC];
    final float[] c1 = new float[NC];
    final float[] c2 = new float[NC];
    final float[] c3 = new float[NC];
    final float[] ap = new float[4 * KC];
  }

  private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

  @Override
  public String name() {
    return "plain-java";
  }

  @Override
  public void gemm(int m, int n, int k, float[] a, int aOff, int ars, int acs, float[] b,
      int bOff, int brs, int bcs, float[] c, int cOff, int crs, int ccs) {
    Buffers buf = BUFFERS.get();
    float[][] bRows = buf.bRows;
    float[] ap = buf.ap;
    for (int jc = 0; jc < n; jc += NC) {
      int nb = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kb = Math.min(KC, k - pc);
        GemmPack.rows(b, bOff + pc * brs + jc * bcs, brs, bcs, kb, nb, bRows);
        int i = 0;
        for (; i + 4 <= m; i += 4) {
          GemmPack.aRows4(a, aOff + i * ars + pc * acs, ars, acs, kb, ap);
          block4(kb, nb, ap, bRows, buf);
          int co = cOff + i * crs + jc * ccs;
          addRow(buf.c0, c, co, ccs, nb);
          addRow(buf.c1, c, co + crs, ccs, nb);
          addRow(buf.c2, c, co + 2 * crs, ccs, nb);
          addRow(buf.c3, c, co + 3 * crs, ccs, nb);
        }
        for (; i < m; i++) {
          float[] c0 = buf.c0;
          Arrays.fill(c0, 0, nb, 0f);
          int ai = aOff + i * ars + pc * acs;
          for (int p = 0; p < kb; p++) {
            axpy(a[ai + p * acs], bRows[p], c0, nb);
          }
          addRow(c0, c, cOff + i * crs + jc * ccs, ccs, nb);
        }
      }
    }
  }

  /** Four C rows over one packed block: zero the buffers, then two k steps per pass. */
  private static void block4(int kb, int nb, float[] ap, float[][] bRows, Buffers buf) {
    float[] c0 = buf.c0;
    float[] c1 = buf.c1;
    float[] c2 = buf.c2;
    float[] c3 = buf.c3;
    Arrays.fill(c0, 0, nb, 0f);
    Arrays.fill(c1, 0, nb, 0f);
    Arrays.fill(c2, 0, nb, 0f);
    Arrays.fill(c3, 0, nb, 0f);
    int p = 0;
    for (; p + 2 <= kb; p += 2) {
      int q = 4 * p;
      k2x4(ap[q], ap[q + 4], ap[q + 1], ap[q + 5], ap[q + 2], ap[q + 6], ap[q + 3], ap[q + 7],
          bRows[p], bRows[p + 1], c0, c1, c2, c3, nb);
    }
    if (p < kb) {
      int q = 4 * p;
      k1x4(ap[q], ap[q + 1], ap[q + 2], ap[q + 3], bRows[p], c0, c1, c2, c3, nb);
    }
  }

  private static void k2x4(float x0, float x1, float y0, float y1, float z0, float z1, float w0,
      float w1, float[] b0, float[] b1, float[] c0, float[] c1, float[] c2, float[] c3, int n) {
    for (int j = 0; j < n; j++) {
      float u = b0[j];
      float v = b1[j];
      c0[j] = Math.fma(x1, v, Math.fma(x0, u, c0[j]));
      c1[j] = Math.fma(y1, v, Math.fma(y0, u, c1[j]));
      c2[j] = Math.fma(z1, v, Math.fma(z0, u, c2[j]));
      c3[j] = Math.fma(w1, v, Math.fma(w0, u, c3[j]));
    }
  }

  private static void k1x4(float x, float y, float z, float w, float[] b0, float[] c0,
      float[] c1, float[] c2, float[] c3, int n) {
    for (int j = 0; j < n; j++) {
      float u = b0[j];
      c0[j] = Math.fma(x, u, c0[j]);
      c1[j] = Math.fma(y, u, c1[j]);
      c2[j] = Math.fma(z, u, c2[j]);
      c3[j] = Math.fma(w, u, c3[j]);
    }
  }

  private static void axpy(float x, float[] b0, float[] c0, int n) {
    for (int j = 0; j < n; j++) {
      c0[j] = Math.fma(x, b0[j], c0[j]);
    }
  }

  /** {@code c[off + j * stride] += row[j]}; the unit-stride case vectorizes. */
  static void addRow(float[] row, float[] c, int off, int stride, int n) {
    if (stride == 1) {
      for (int j = 0; j < n; j++) {
        c[off + j] += row[j];
      }
    } else {
      for (int j = 0; j < n; j++) {
        c[off + j * stride] += row[j];
      }
    }
  }
}
