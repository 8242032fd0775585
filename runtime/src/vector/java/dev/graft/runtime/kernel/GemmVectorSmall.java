package dev.graft.runtime.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API product for small matrices, where the packed kernel's per-call packing of both
 * operands and its 12-row edge tiles cost more than the arithmetic (the products of a narrow
 * model, or of a LoRA adapter). {@code B} is read in place when its rows are contiguous, and
 * otherwise (a transposed {@code B}) copied once into a row-major scratch block; {@code A} is
 * never packed: each of its values is broadcast straight from its strided position. The
 * micro-kernel keeps a {@code 4 × 2}-vector tile of {@code C} in registers over the whole depth;
 * the last rows and columns take one-vector and scalar paths instead of a padded scratch tile.
 */
final class GemmVectorSmall {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = S.length();
  /** Columns of C one micro-tile covers: two vectors. */
  private static final int NR = 2 * LANES;

  /** Per-thread row-major copy of a transposed B, and a C block (grown on demand). */
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[4096], new float[4096]});

  /**
   * Multiply-adds up to which a product takes this path (measured against the packed kernel on
   * one thread: 1.3–3× faster on 32×64×64 and the rank-8 shapes of a width-256 model, slower
   * from about 128³); {@code -Dgraft.matmul.smallMax} overrides it.
   */
  static final long SMALL_MAX = Long.getLong("graft.matmul.smallMax", 1L << 17);
  /** Depth up to which any product takes this path: an outer product has nothing to reuse. */
  static final int SMALL_K = 16;

  private GemmVectorSmall() {}

  /** Whether a product of this shape is cheaper here than in the packed kernel. */
  static boolean suits(int m, int n, int k) {
    return k <= SMALL_K || (long) m * n * k <= SMALL_MAX;
  }

  /** As {@link GemmKernel#gemm}: adds {@code A · B} into {@code C} on the calling thread. */
  static void gemm(int m, int n, int k, float[] a, int aOff, int ars, int acs, float[] b,
      int bOff, int brs, int bcs, float[] c, int cOff, int crs, int ccs) {
    if (m == 0 || n == 0 || k == 0) {
      return;
    }
    float[][] scratch = SCRATCH.get();
    float[] bm = b;
    int bo = bOff;
    int ldb = brs;
    if (bcs != 1) {
      bm = grow(scratch, 0, k * n);
      transpose(b, bOff, brs, bcs, k, n, bm);
      bo = 0;
      ldb = n;
    }
    if (ccs == 1) {
      rows(m, n, k, a, aOff, ars, acs, bm, bo, ldb, c, cOff, crs);
      return;
    }
    // C is written transposed (a swapped product): compute a contiguous block, then add it in.
    float[] t = grow(scratch, 1, m * n);
    java.util.Arrays.fill(t, 0, m * n, 0f);
    rows(m, n, k, a, aOff, ars, acs, bm, bo, ldb, t, 0, n);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        c[cOff + i * crs + j * ccs] += t[i * n + j];
      }
    }
  }

  private static float[] grow(float[][] scratch, int slot, int size) {
    if (scratch[slot].length < size) {
      scratch[slot] = new float[Math.max(size, 2 * scratch[slot].length)];
    }
    return scratch[slot];
  }

  /** C (contiguous rows, {@code ldc} apart) += A·B with B row-major, rows {@code ldb} apart. */
  private static void rows(int m, int n, int k, float[] a, int aOff, int ars, int acs, float[] b,
      int bo, int ldb, float[] c, int cOff, int ldc) {
    int n2 = n - n % NR;
    int n1 = n - n % LANES;
    int i = 0;
    for (; i + 4 <= m; i += 4) {
      int ao = aOff + i * ars;
      int co = cOff + i * ldc;
      for (int j = 0; j < n2; j += NR) {
        tile4(k, a, ao, ars, acs, b, bo + j, ldb, c, co + j, ldc);
      }
      for (int j = n2; j < n1; j += LANES) {
        for (int r = 0; r < 4; r++) {
          vector(k, a, ao + r * ars, acs, b, bo + j, ldb, c, co + r * ldc + j);
        }
      }
      for (int r = 0; r < 4; r++) {
        scalars(n1, n, k, a, ao + r * ars, acs, b, bo, ldb, c, co + r * ldc);
      }
    }
    for (; i < m; i++) {
      int ao = aOff + i * ars;
      int co = cOff + i * ldc;
      for (int j = 0; j < n1; j += LANES) {
        vector(k, a, ao, acs, b, bo + j, ldb, c, co + j);
      }
      scalars(n1, n, k, a, ao, acs, b, bo, ldb, c, co);
    }
  }

  /** {@code dst[p·n + j] = B(p, j)} for a {@code k×n} view with element strides. */
  private static void transpose(float[] b, int off, int rs, int cs, int k, int n, float[] dst) {
    if (rs != 1) {
      for (int p = 0; p < k; p++) {
        int s = off + p * rs;
        for (int j = 0; j < n; j++) {
          dst[p * n + j] = b[s + j * cs];
        }
      }
      return;
    }
    // B(p, j) = b[off + p + j·cs] (a transposed row-major matrix): 8×8 blocks, so each block
    // reads eight short runs and writes eight, instead of one write per destination row.
    int k8 = k - k % 8;
    int n8 = n - n % 8;
    for (int j0 = 0; j0 < n8; j0 += 8) {
      for (int p0 = 0; p0 < k8; p0 += 8) {
        for (int j = j0; j < j0 + 8; j++) {
          int s = off + j * cs + p0;
          int d = p0 * n + j;
          dst[d] = b[s];
          dst[d + n] = b[s + 1];
          dst[d + 2 * n] = b[s + 2];
          dst[d + 3 * n] = b[s + 3];
          dst[d + 4 * n] = b[s + 4];
          dst[d + 5 * n] = b[s + 5];
          dst[d + 6 * n] = b[s + 6];
          dst[d + 7 * n] = b[s + 7];
        }
      }
      for (int j = j0; j < j0 + 8; j++) {
        for (int p = k8; p < k; p++) {
          dst[p * n + j] = b[off + j * cs + p];
        }
      }
    }
    for (int j = n8; j < n; j++) {
      for (int p = 0; p < k; p++) {
        dst[p * n + j] = b[off + j * cs + p];
      }
    }
  }

  /** Four rows by {@code NR} columns of C, every column in range. */
  private static void tile4(int k, float[] a, int ao, int ars, int acs, float[] b, int bo,
      int ldb, float[] c, int co, int ldc) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S);
    FloatVector c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S);
    FloatVector c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S);
    FloatVector c31 = FloatVector.zero(S);
    int a0 = ao;
    int a1 = ao + ars;
    int a2 = ao + 2 * ars;
    int a3 = ao + 3 * ars;
    for (int p = 0; p < k; p++) {
      int bp = bo + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, b, bp);
      FloatVector b1 = FloatVector.fromArray(S, b, bp + LANES);
      int ap = p * acs;
      FloatVector x0 = FloatVector.broadcast(S, a[a0 + ap]);
      c00 = x0.fma(b0, c00);
      c01 = x0.fma(b1, c01);
      FloatVector x1 = FloatVector.broadcast(S, a[a1 + ap]);
      c10 = x1.fma(b0, c10);
      c11 = x1.fma(b1, c11);
      FloatVector x2 = FloatVector.broadcast(S, a[a2 + ap]);
      c20 = x2.fma(b0, c20);
      c21 = x2.fma(b1, c21);
      FloatVector x3 = FloatVector.broadcast(S, a[a3 + ap]);
      c30 = x3.fma(b0, c30);
      c31 = x3.fma(b1, c31);
    }
    c00.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
    c01.add(FloatVector.fromArray(S, c, co + LANES)).intoArray(c, co + LANES);
    c10.add(FloatVector.fromArray(S, c, co + ldc)).intoArray(c, co + ldc);
    c11.add(FloatVector.fromArray(S, c, co + ldc + LANES)).intoArray(c, co + ldc + LANES);
    c20.add(FloatVector.fromArray(S, c, co + 2 * ldc)).intoArray(c, co + 2 * ldc);
    c21.add(FloatVector.fromArray(S, c, co + 2 * ldc + LANES))
        .intoArray(c, co + 2 * ldc + LANES);
    c30.add(FloatVector.fromArray(S, c, co + 3 * ldc)).intoArray(c, co + 3 * ldc);
    c31.add(FloatVector.fromArray(S, c, co + 3 * ldc + LANES))
        .intoArray(c, co + 3 * ldc + LANES);
  }

  /** One vector of columns of one row of C over the whole depth. */
  private static void vector(int k, float[] a, int ao, int acs, float[] b, int bo, int ldb,
      float[] c, int co) {
    FloatVector acc = FloatVector.zero(S);
    for (int p = 0; p < k; p++) {
      acc = FloatVector.broadcast(S, a[ao + p * acs]).fma(FloatVector.fromArray(S, b, bo + p * ldb),
          acc);
    }
    acc.add(FloatVector.fromArray(S, c, co)).intoArray(c, co);
  }

  /** Columns {@code from .. to} of one row of C, fewer than a vector, as scalar dot products. */
  private static void scalars(int from, int to, int k, float[] a, int ao, int acs, float[] b,
      int bo, int ldb, float[] c, int co) {
    for (int j = from; j < to; j++) {
      float s = 0f;
      for (int p = 0; p < k; p++) {
        s = Math.fma(a[ao + p * acs], b[bo + p * ldb + j], s);
      }
      c[co + j] += s;
    }
  }
}
