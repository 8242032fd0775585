package dev.graft.runtime.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.jspecify.annotations.Nullable;

/**
 * The packed, cache-blocked matmul with an explicit register-blocked micro-kernel written against
 * the incubating Vector API. Compiled apart from the rest of the library (javac's
 * {@code --release 17} cannot see incubator modules) and loaded by {@link GemmVectorLoader} only
 * when the JVM runs with {@code --add-modules jdk.incubator.vector}.
 *
 * <p>Blocking follows Goto/BLIS: a {@code KC×NC} block of {@code B} is packed into
 * {@code NR}-column panels (each panel, {@code KC×NR}, stays in L1 while it is reused), an
 * {@code MC×KC} block of {@code A} into {@code MR}-row panels (kept in L2), and the
 * micro-kernel accumulates an {@code MR×NR} tile of {@code C} in {@code 2·MR} vector registers:
 * 12×32 floats with 512-bit vectors (24 of the 32 zmm registers), 6×2 vectors otherwise.
 */
final class GemmVector implements GemmKernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  /** Depth of a packed block; {@code -Dgraft.matmul.kc} overrides it (tuning only). */
  static final int KC = Integer.getInteger("graft.matmul.kc", 256);
  /** Rows of a packed A block (a multiple of 12); {@code -Dgraft.matmul.mc} overrides it. */
  static final int MC = Integer.getInteger("graft.matmul.mc", 96);
  /** Columns of a packed B block (a multiple of 32); {@code -Dgraft.matmul.nc} overrides it. */
  static final int NC = Integer.getInteger("graft.matmul.nc", 2048);

  private static final int LANES = S.length();
  private static final int NR = 2 * LANES;
  private static final int MR = LANES >= 16 ? 12 : 6;

  /** Rows of C below which, when B's columns are contiguous along k, C is computed as dots. */
  static final int DOT_M = 16;
  /**
   * Most floats of B packed at once (a {@code k×NC'} block shared by all threads, {@code NC'}
   * shrunk from {@link #NC} for deep products); {@code -Dgraft.matmul.bmax} overrides it.
   */
  static final int B_MAX = Integer.getInteger("graft.matmul.bmax", 1 << 21);
  /** Work items per thread when a product is split: more than one absorbs a stalled thread. */
  private static final int ITEMS_PER_THREAD = 4;

  /**
   * Per-thread space: the shared packed B block (only the calling thread's is used; grown on
   * demand), its A block, the scratch tile for edge tiles, and the small operand of the
   * dot-product path (grown on demand).
   */
  private final ThreadLocal<float[][]> buffers = ThreadLocal.withInitial(() -> new float[][] {
      new float[0], new float[MC * KC], new float[MR * NR], new float[DOT_M * 1024]});

  GemmVector() {
    if (LANES < 8) {
      throw new IllegalStateException("GemmVector: vectors of " + LANES
          + " floats are too short to beat the plain-Java kernel");
    }
    if (MC % MR != 0 || NC % NR != 0) {
      throw new IllegalStateException("GemmVector: graft.matmul.mc " + MC + " must be a multiple"
          + " of " + MR + " and graft.matmul.nc " + NC + " of " + NR);
    }
  }

  @Override
  public String name() {
    return "vector-api " + MR + "x" + NR + " (" + S.vectorBitSize() + "-bit)";
  }

  @Override
  public void gemm(int m, int n, int k, float[] a, int aOff, int ars, int acs, float[] b,
      int bOff, int brs, int bcs, float[] c, int cOff, int crs, int ccs) {
    gemm(1, m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, crs, ccs, true, null);
  }

  /**
   * Small products and skinny ones take their unpacked paths (the dot path split by columns);
   * the rest the packed path, whose B blocks all threads share. The path depends on the shape
   * alone, never on {@code threads}, so the sums are the same on any thread count.
   */
  @Override
  public void gemm(int threads, int m, int n, int k, float[] a, int aOff, int ars, int acs,
      float[] b, int bOff, int brs, int bcs, float[] c, int cOff, int crs, int ccs,
      boolean accumulate, @Nullable MatmulEpilogue epilogue) {
    boolean dots = m <= DOT_M && brs == 1 && k >= 2 * LANES;
    // Small products skip packing; the dot path stays faster once k is deep (measured: equal at
    // 8×256×64, 2.6× faster at 8×64×256).
    boolean small = GemmVectorSmall.suits(m, n, k) && (!dots || k <= 64);
    if (k > 0 && !small && !dots) {
      packed(threads, m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, crs, ccs,
          accumulate, epilogue);
      return;
    }
    if (!accumulate) {
      Gemm.zero(c, cOff, crs, ccs, m, n);
    }
    if (k > 0 && small) {
      GemmVectorSmall.gemm(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, crs, ccs);
    } else if (k > 0) {
      // Each element is one dot product, so column slices (whole groups of four) give the same
      // sums as the whole.
      int units = (n + 3) / 4;
      int parts = Math.min(threads, units);
      Parallel.forRange(parts, Long.MAX_VALUE, 0, (from, to) -> {
        for (int t = from; t < to; t++) {
          int j0 = Math.min(n, 4 * (int) ((long) units * t / parts));
          int j1 = Math.min(n, 4 * (int) ((long) units * (t + 1) / parts));
          dots(m, j1 - j0, k, a, aOff, ars, acs, b, bOff + j0 * bcs, bcs, c, cOff + j0 * ccs,
              crs, ccs, buffers.get());
        }
      });
    }
    if (epilogue != null) {
      epilogue.apply(c, cOff, crs, ccs, 0, m, 0, n);
    }
  }

  /**
   * The Goto/BLIS loops. For each block of {@code NC'} columns, the whole {@code k×NC'} block of
   * B is packed once into {@code NR}-column panels, the panels split between the threads; then
   * the threads take work items (MR-aligned row ranges of C, and NR-aligned column ranges when
   * there are too few rows), each packing its own {@code MC×KC} blocks of A and running the
   * micro-kernel over every tile of its item. Tile boundaries do not depend on the items, and
   * each tile sums its depth blocks in order, so any thread count gives the same bits. When not
   * accumulating, each block of C is zeroed just before its first tile adds into it; the epilogue
   * runs on each block of C right after its last depth block, while it is in cache.
   */
  private void packed(int threads, int m, int n, int k, float[] a, int aOff, int ars, int acs,
      float[] b, int bOff, int brs, int bcs, float[] c, int cOff, int crs, int ccs,
      boolean accumulate, @Nullable MatmulEpilogue epilogue) {
    float[][] own = buffers.get();
    // With one or two rows of tiles, each packed B element would serve at most 2·MR FMAs: cheaper
    // to let the micro-kernel read whole panels of a row-major B where they lie.
    boolean inPlace = bcs == 1 && m <= 2 * MR;
    int ncb = Math.max(NR, Math.min(NC, B_MAX / k / NR * NR));
    int mUnits = (m + MR - 1) / MR;
    for (int jc = 0; jc < n; jc += ncb) {
      int nb = Math.min(ncb, n - jc);
      int panels = (nb + NR - 1) / NR;
      int stride = panels * NR;
      if (own[0].length < k * stride) {
        own[0] = new float[k * stride];
      }
      float[] bp = own[0];
      int bBlock = bOff + jc * bcs;
      int packFrom = inPlace ? nb / NR : 0;
      int packParts = Math.min(threads, panels - packFrom);
      if (packParts > 0) {
        Parallel.forRange(packParts, Long.MAX_VALUE, 0, (from, to) -> {
          for (int t = from; t < to; t++) {
            int p0 = packFrom + (panels - packFrom) * t / packParts;
            int p1 = packFrom + (panels - packFrom) * (t + 1) / packParts;
            packPanels(b, bBlock, brs, bcs, k, nb, p0, p1, bp, stride);
          }
        });
      }
      int rowItems = 1;
      int colItems = 1;
      if (threads > 1) {
        int want = ITEMS_PER_THREAD * threads;
        rowItems = Math.min(mUnits, Math.max(threads, Math.min(want, mUnits / (MC / MR))));
        colItems = rowItems >= threads ? 1 : Math.min(panels, (want + rowItems - 1) / rowItems);
      }
      int rows = rowItems;
      int items = rowItems * colItems;
      int jcb = jc;
      AtomicInteger next = new AtomicInteger();
      Parallel.forRange(Math.min(threads, items), Long.MAX_VALUE, 0, (from, to) -> {
        float[][] mine = buffers.get();
        for (int it = next.getAndIncrement(); it < items; it = next.getAndIncrement()) {
          int ri = it % rows;
          int ci = it / rows;
          int i0 = Math.min(m, MR * (int) ((long) mUnits * ri / rows));
          int i1 = Math.min(m, MR * (int) ((long) mUnits * (ri + 1) / rows));
          int t0 = panels * ci / (items / rows);
          int t1 = panels * (ci + 1) / (items / rows);
          item(i0, i1, t0, t1, jcb, nb, k, a, aOff, ars, acs, b, bOff, brs, inPlace, bp, stride,
              c, cOff, crs, ccs, accumulate, epilogue, mine);
        }
      });
    }
  }

  /**
   * Rows {@code [i0, i1)} of C against panels {@code [t0, t1)} of the packed B block at column
   * {@code jc}: every depth block, each block of up to {@code MC} rows of A packed into this
   * thread's buffer, then the micro-kernel over its tiles.
   */
  private static void item(int i0, int i1, int t0, int t1, int jc, int nb, int k, float[] a,
      int aOff, int ars, int acs, float[] b, int bOff, int brs, boolean inPlace, float[] bp,
      int stride, float[] c, int cOff, int crs, int ccs, boolean accumulate,
      @Nullable MatmulEpilogue epilogue, float[][] mine) {
    float[] ap = mine[1];
    float[] tile = mine[2];
    int j0 = t0 * NR;
    int j1 = Math.min(nb, t1 * NR);
    // The item's rows in blocks of at most MC, as even as whole tiles allow (a short last block
    // would reuse each B panel in L1 for few tiles).
    int units = (i1 - i0 + MR - 1) / MR;
    int blocks = (units + MC / MR - 1) / (MC / MR);
    for (int pc = 0; pc < k; pc += KC) {
      int kb = Math.min(KC, k - pc);
      for (int blk = 0; blk < blocks; blk++) {
        int ic = i0 + MR * (units * blk / blocks);
        int mb = Math.min(i1, i0 + MR * (units * (blk + 1) / blocks)) - ic;
        GemmPack.aPanels(a, aOff + ic * ars + pc * acs, ars, acs, mb, kb, MR, ap);
        if (pc == 0 && !accumulate) {
          Gemm.zero(c, cOff + ic * crs + (jc + j0) * ccs, crs, ccs, mb, j1 - j0);
        }
        for (int t = t0; t < t1; t++) {
          int jr = t * NR;
          int cols = Math.min(NR, nb - jr);
          float[] bSrc = bp;
          int bo = pc * stride + t * NR * kb;
          int ldb = NR;
          if (inPlace && cols == NR) {
            bSrc = b;
            bo = bOff + pc * brs + jc + jr;
            ldb = brs;
          }
          for (int ir = 0; ir < mb; ir += MR) {
            int rows = Math.min(MR, mb - ir);
            int co = cOff + (ic + ir) * crs + (jc + jr) * ccs;
            if (rows == MR && cols == NR && ccs == 1) {
              kernel(kb, ap, ir * kb, bSrc, bo, ldb, c, co, crs);
            } else {
              java.util.Arrays.fill(tile, 0f);
              kernel(kb, ap, ir * kb, bSrc, bo, ldb, tile, 0, NR);
              for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                  c[co + r * crs + j * ccs] += tile[r * NR + j];
                }
              }
            }
          }
        }
        if (epilogue != null && pc + kb >= k) {
          epilogue.apply(c, cOff, crs, ccs, ic, mb, jc + j0, j1 - j0);
        }
      }
    }
  }

  /**
   * Packs panels {@code [t0, t1)} of the {@code k×nb} block of B at {@code off}, every depth
   * block of it: depth block {@code pc} starts at {@code bp[pc * stride]}, its panel {@code t} at
   * {@code t * NR * kb} within.
   */
  private static void packPanels(float[] b, int off, int rs, int cs, int k, int nb, int t0,
      int t1, float[] bp, int stride) {
    int j0 = t0 * NR;
    int j1 = Math.min(nb, t1 * NR);
    for (int pc = 0; pc < k; pc += KC) {
      int kb = Math.min(KC, k - pc);
      packB(b, off + pc * rs + j0 * cs, rs, cs, kb, j1 - j0, bp, pc * stride + j0 * kb);
    }
  }

  /**
   * Packs a {@code kb×nb} block of B into zero-padded NR-column panels from {@code bp[dst]} (see
   * {@link GemmPack#bPanels}); a row-major B is copied two vectors at a time, row by row, which
   * beats a {@code System.arraycopy} call per 32 floats.
   */
  private static void packB(float[] b, int off, int rs, int cs, int kb, int nb, float[] bp,
      int dst) {
    int full = nb - nb % NR;
    if (cs != 1 || full == 0) {
      GemmPack.bPanels(b, off, rs, cs, kb, nb, NR, bp, dst);
      return;
    }
    int panelSize = NR * kb;
    for (int p = 0; p < kb; p++) {
      int src = off + p * rs;
      int d = dst + p * NR;
      for (int j = 0; j < full; j += NR) {
        FloatVector.fromArray(S, b, src + j).intoArray(bp, d);
        FloatVector.fromArray(S, b, src + j + LANES).intoArray(bp, d + LANES);
        d += panelSize;
      }
    }
    if (full < nb) {
      GemmPack.bPanels(b, off + full, rs, cs, kb, nb - full, NR, bp, dst + full * kb);
    }
  }

  /**
   * Adds an MR×NR tile over depth {@code kb}, from packed A and B panels ({@code ldb} apart row to
   * row), into C ({@code ldc} apart). One code path only: with a second (storing) epilogue the
   * method outgrows C1's register allocator and is never compiled at all.
   */
  private static void kernel(int kb, float[] ap, int aOff, float[] bp, int bOff, int ldb,
      float[] c, int cOff, int ldc) {
    if (MR == 12) {
      kernel12(kb, ap, aOff, bp, bOff, ldb, c, cOff, ldc);
    } else {
      kernel6(kb, ap, aOff, bp, bOff, ldb, c, cOff, ldc);
    }
  }

  /** 12 rows × 2 vectors of C, kept in registers over the whole packed depth. */
  private static void kernel12(int kb, float[] ap, int aOff, float[] bp, int bOff, int ldb,
      float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S);
    FloatVector c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S);
    FloatVector c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S);
    FloatVector c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S);
    FloatVector c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S);
    FloatVector c51 = FloatVector.zero(S);
    FloatVector c60 = FloatVector.zero(S);
    FloatVector c61 = FloatVector.zero(S);
    FloatVector c70 = FloatVector.zero(S);
    FloatVector c71 = FloatVector.zero(S);
    FloatVector c80 = FloatVector.zero(S);
    FloatVector c81 = FloatVector.zero(S);
    FloatVector c90 = FloatVector.zero(S);
    FloatVector c91 = FloatVector.zero(S);
    FloatVector c100 = FloatVector.zero(S);
    FloatVector c101 = FloatVector.zero(S);
    FloatVector c110 = FloatVector.zero(S);
    FloatVector c111 = FloatVector.zero(S);
    for (int p = 0; p < kb; p++) {
      int ao = aOff + p * 12;
      int bo = bOff + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, bp, bo);
      FloatVector b1 = FloatVector.fromArray(S, bp, bo + LANES);
      FloatVector a0 = FloatVector.broadcast(S, ap[ao + 0]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, ap[ao + 1]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, ap[ao + 2]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, ap[ao + 3]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(S, ap[ao + 4]);
      c40 = a4.fma(b0, c40);
      c41 = a4.fma(b1, c41);
      FloatVector a5 = FloatVector.broadcast(S, ap[ao + 5]);
      c50 = a5.fma(b0, c50);
      c51 = a5.fma(b1, c51);
      FloatVector a6 = FloatVector.broadcast(S, ap[ao + 6]);
      c60 = a6.fma(b0, c60);
      c61 = a6.fma(b1, c61);
      FloatVector a7 = FloatVector.broadcast(S, ap[ao + 7]);
      c70 = a7.fma(b0, c70);
      c71 = a7.fma(b1, c71);
      FloatVector a8 = FloatVector.broadcast(S, ap[ao + 8]);
      c80 = a8.fma(b0, c80);
      c81 = a8.fma(b1, c81);
      FloatVector a9 = FloatVector.broadcast(S, ap[ao + 9]);
      c90 = a9.fma(b0, c90);
      c91 = a9.fma(b1, c91);
      FloatVector a10 = FloatVector.broadcast(S, ap[ao + 10]);
      c100 = a10.fma(b0, c100);
      c101 = a10.fma(b1, c101);
      FloatVector a11 = FloatVector.broadcast(S, ap[ao + 11]);
      c110 = a11.fma(b0, c110);
      c111 = a11.fma(b1, c111);
    }
    c00.add(FloatVector.fromArray(S, c, cOff)).intoArray(c, cOff);
    c01.add(FloatVector.fromArray(S, c, cOff + LANES)).intoArray(c, cOff + LANES);
    c10.add(FloatVector.fromArray(S, c, cOff + ldc)).intoArray(c, cOff + ldc);
    c11.add(FloatVector.fromArray(S, c, cOff + ldc + LANES)).intoArray(c, cOff + ldc + LANES);
    c20.add(FloatVector.fromArray(S, c, cOff + 2 * ldc)).intoArray(c, cOff + 2 * ldc);
    c21.add(FloatVector.fromArray(S, c, cOff + 2 * ldc + LANES)).intoArray(c, cOff + 2 * ldc + LANES);
    c30.add(FloatVector.fromArray(S, c, cOff + 3 * ldc)).intoArray(c, cOff + 3 * ldc);
    c31.add(FloatVector.fromArray(S, c, cOff + 3 * ldc + LANES)).intoArray(c, cOff + 3 * ldc + LANES);
    c40.add(FloatVector.fromArray(S, c, cOff + 4 * ldc)).intoArray(c, cOff + 4 * ldc);
    c41.add(FloatVector.fromArray(S, c, cOff + 4 * ldc + LANES)).intoArray(c, cOff + 4 * ldc + LANES);
    c50.add(FloatVector.fromArray(S, c, cOff + 5 * ldc)).intoArray(c, cOff + 5 * ldc);
    c51.add(FloatVector.fromArray(S, c, cOff + 5 * ldc + LANES)).intoArray(c, cOff + 5 * ldc + LANES);
    c60.add(FloatVector.fromArray(S, c, cOff + 6 * ldc)).intoArray(c, cOff + 6 * ldc);
    c61.add(FloatVector.fromArray(S, c, cOff + 6 * ldc + LANES)).intoArray(c, cOff + 6 * ldc + LANES);
    c70.add(FloatVector.fromArray(S, c, cOff + 7 * ldc)).intoArray(c, cOff + 7 * ldc);
    c71.add(FloatVector.fromArray(S, c, cOff + 7 * ldc + LANES)).intoArray(c, cOff + 7 * ldc + LANES);
    c80.add(FloatVector.fromArray(S, c, cOff + 8 * ldc)).intoArray(c, cOff + 8 * ldc);
    c81.add(FloatVector.fromArray(S, c, cOff + 8 * ldc + LANES)).intoArray(c, cOff + 8 * ldc + LANES);
    c90.add(FloatVector.fromArray(S, c, cOff + 9 * ldc)).intoArray(c, cOff + 9 * ldc);
    c91.add(FloatVector.fromArray(S, c, cOff + 9 * ldc + LANES)).intoArray(c, cOff + 9 * ldc + LANES);
    c100.add(FloatVector.fromArray(S, c, cOff + 10 * ldc)).intoArray(c, cOff + 10 * ldc);
    c101.add(FloatVector.fromArray(S, c, cOff + 10 * ldc + LANES)).intoArray(c, cOff + 10 * ldc + LANES);
    c110.add(FloatVector.fromArray(S, c, cOff + 11 * ldc)).intoArray(c, cOff + 11 * ldc);
    c111.add(FloatVector.fromArray(S, c, cOff + 11 * ldc + LANES)).intoArray(c, cOff + 11 * ldc + LANES);
  }

  /** 6 rows × 2 vectors of C, kept in registers over the whole packed depth. */
  private static void kernel6(int kb, float[] ap, int aOff, float[] bp, int bOff, int ldb,
      float[] c, int cOff, int ldc) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S);
    FloatVector c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S);
    FloatVector c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S);
    FloatVector c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S);
    FloatVector c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S);
    FloatVector c51 = FloatVector.zero(S);
    for (int p = 0; p < kb; p++) {
      int ao = aOff + p * 6;
      int bo = bOff + p * ldb;
      FloatVector b0 = FloatVector.fromArray(S, bp, bo);
      FloatVector b1 = FloatVector.fromArray(S, bp, bo + LANES);
      FloatVector a0 = FloatVector.broadcast(S, ap[ao + 0]);
      c00 = a0.fma(b0, c00);
      c01 = a0.fma(b1, c01);
      FloatVector a1 = FloatVector.broadcast(S, ap[ao + 1]);
      c10 = a1.fma(b0, c10);
      c11 = a1.fma(b1, c11);
      FloatVector a2 = FloatVector.broadcast(S, ap[ao + 2]);
      c20 = a2.fma(b0, c20);
      c21 = a2.fma(b1, c21);
      FloatVector a3 = FloatVector.broadcast(S, ap[ao + 3]);
      c30 = a3.fma(b0, c30);
      c31 = a3.fma(b1, c31);
      FloatVector a4 = FloatVector.broadcast(S, ap[ao + 4]);
      c40 = a4.fma(b0, c40);
      c41 = a4.fma(b1, c41);
      FloatVector a5 = FloatVector.broadcast(S, ap[ao + 5]);
      c50 = a5.fma(b0, c50);
      c51 = a5.fma(b1, c51);
    }
    c00.add(FloatVector.fromArray(S, c, cOff)).intoArray(c, cOff);
    c01.add(FloatVector.fromArray(S, c, cOff + LANES)).intoArray(c, cOff + LANES);
    c10.add(FloatVector.fromArray(S, c, cOff + ldc)).intoArray(c, cOff + ldc);
    c11.add(FloatVector.fromArray(S, c, cOff + ldc + LANES)).intoArray(c, cOff + ldc + LANES);
    c20.add(FloatVector.fromArray(S, c, cOff + 2 * ldc)).intoArray(c, cOff + 2 * ldc);
    c21.add(FloatVector.fromArray(S, c, cOff + 2 * ldc + LANES)).intoArray(c, cOff + 2 * ldc + LANES);
    c30.add(FloatVector.fromArray(S, c, cOff + 3 * ldc)).intoArray(c, cOff + 3 * ldc);
    c31.add(FloatVector.fromArray(S, c, cOff + 3 * ldc + LANES)).intoArray(c, cOff + 3 * ldc + LANES);
    c40.add(FloatVector.fromArray(S, c, cOff + 4 * ldc)).intoArray(c, cOff + 4 * ldc);
    c41.add(FloatVector.fromArray(S, c, cOff + 4 * ldc + LANES)).intoArray(c, cOff + 4 * ldc + LANES);
    c50.add(FloatVector.fromArray(S, c, cOff + 5 * ldc)).intoArray(c, cOff + 5 * ldc);
    c51.add(FloatVector.fromArray(S, c, cOff + 5 * ldc + LANES)).intoArray(c, cOff + 5 * ldc + LANES);
  }

  /**
   * The skinny products of a LoRA adapter ({@code x·Aᵀ}, {@code g·B} with rank 8, seen here as
   * their transposes): few rows of C and B's columns contiguous along k. Packing B would cost more
   * than the arithmetic, so each C element is a vector dot product of a packed row of A with a
   * column of B read in place, four rows by four columns at a time (16 accumulators, 8 loads per
   * 16 FMAs).
   */
  private static void dots(int m, int n, int k, float[] a, int aOff, int ars, int acs, float[] b,
      int bOff, int bcs, float[] c, int cOff, int crs, int ccs, float[][] buf) {
    if (buf[3].length < m * k) {
      buf[3] = new float[m * k];
    }
    float[] at = buf[3];
    for (int i = 0; i < m; i++) {
      int src = aOff + i * ars;
      if (acs == 1) {
        System.arraycopy(a, src, at, i * k, k);
      } else {
        for (int p = 0; p < k; p++) {
          at[i * k + p] = a[src + p * acs];
        }
      }
    }
    int j = 0;
    for (; j + 4 <= n; j += 4) {
      int i = 0;
      for (; i + 4 <= m; i += 4) {
        dot4x4(k, at, i * k, b, bOff + j * bcs, bcs, c, cOff + i * crs + j * ccs, crs, ccs);
      }
      for (; i < m; i++) {
        for (int jj = j; jj < j + 4; jj++) {
          c[cOff + i * crs + jj * ccs] += dot(k, at, i * k, b, bOff + jj * bcs);
        }
      }
    }
    for (; j < n; j++) {
      for (int i = 0; i < m; i++) {
        c[cOff + i * crs + j * ccs] += dot(k, at, i * k, b, bOff + j * bcs);
      }
    }
  }

  private static float dot(int k, float[] x, int xo, float[] y, int yo) {
    FloatVector acc = FloatVector.zero(S);
    int kv = k - k % LANES;
    for (int p = 0; p < kv; p += LANES) {
      acc = FloatVector.fromArray(S, x, xo + p).fma(FloatVector.fromArray(S, y, yo + p), acc);
    }
    float s = acc.reduceLanes(VectorOperators.ADD);
    for (int p = kv; p < k; p++) {
      s = Math.fma(x[xo + p], y[yo + p], s);
    }
    return s;
  }

  private static void dot4x4(int k, float[] at, int aOff, float[] b, int bOff, int bcs, float[] c,
      int cOff, int crs, int ccs) {
    FloatVector s00 = FloatVector.zero(S);
    FloatVector s01 = FloatVector.zero(S);
    FloatVector s02 = FloatVector.zero(S);
    FloatVector s03 = FloatVector.zero(S);
    FloatVector s10 = FloatVector.zero(S);
    FloatVector s11 = FloatVector.zero(S);
    FloatVector s12 = FloatVector.zero(S);
    FloatVector s13 = FloatVector.zero(S);
    FloatVector s20 = FloatVector.zero(S);
    FloatVector s21 = FloatVector.zero(S);
    FloatVector s22 = FloatVector.zero(S);
    FloatVector s23 = FloatVector.zero(S);
    FloatVector s30 = FloatVector.zero(S);
    FloatVector s31 = FloatVector.zero(S);
    FloatVector s32 = FloatVector.zero(S);
    FloatVector s33 = FloatVector.zero(S);
    int kv = k - k % LANES;
    for (int p = 0; p < kv; p += LANES) {
      FloatVector b0 = FloatVector.fromArray(S, b, bOff + 0 * bcs + p);
      FloatVector b1 = FloatVector.fromArray(S, b, bOff + 1 * bcs + p);
      FloatVector b2 = FloatVector.fromArray(S, b, bOff + 2 * bcs + p);
      FloatVector b3 = FloatVector.fromArray(S, b, bOff + 3 * bcs + p);
      FloatVector a0 = FloatVector.fromArray(S, at, aOff + 0 * k + p);
      s00 = a0.fma(b0, s00);
      s01 = a0.fma(b1, s01);
      s02 = a0.fma(b2, s02);
      s03 = a0.fma(b3, s03);
      FloatVector a1 = FloatVector.fromArray(S, at, aOff + 1 * k + p);
      s10 = a1.fma(b0, s10);
      s11 = a1.fma(b1, s11);
      s12 = a1.fma(b2, s12);
      s13 = a1.fma(b3, s13);
      FloatVector a2 = FloatVector.fromArray(S, at, aOff + 2 * k + p);
      s20 = a2.fma(b0, s20);
      s21 = a2.fma(b1, s21);
      s22 = a2.fma(b2, s22);
      s23 = a2.fma(b3, s23);
      FloatVector a3 = FloatVector.fromArray(S, at, aOff + 3 * k + p);
      s30 = a3.fma(b0, s30);
      s31 = a3.fma(b1, s31);
      s32 = a3.fma(b2, s32);
      s33 = a3.fma(b3, s33);
    }
    float r00 = s00.reduceLanes(VectorOperators.ADD);
    float r01 = s01.reduceLanes(VectorOperators.ADD);
    float r02 = s02.reduceLanes(VectorOperators.ADD);
    float r03 = s03.reduceLanes(VectorOperators.ADD);
    float r10 = s10.reduceLanes(VectorOperators.ADD);
    float r11 = s11.reduceLanes(VectorOperators.ADD);
    float r12 = s12.reduceLanes(VectorOperators.ADD);
    float r13 = s13.reduceLanes(VectorOperators.ADD);
    float r20 = s20.reduceLanes(VectorOperators.ADD);
    float r21 = s21.reduceLanes(VectorOperators.ADD);
    float r22 = s22.reduceLanes(VectorOperators.ADD);
    float r23 = s23.reduceLanes(VectorOperators.ADD);
    float r30 = s30.reduceLanes(VectorOperators.ADD);
    float r31 = s31.reduceLanes(VectorOperators.ADD);
    float r32 = s32.reduceLanes(VectorOperators.ADD);
    float r33 = s33.reduceLanes(VectorOperators.ADD);
    for (int p = kv; p < k; p++) {
      float y0 = b[bOff + 0 * bcs + p];
      float y1 = b[bOff + 1 * bcs + p];
      float y2 = b[bOff + 2 * bcs + p];
      float y3 = b[bOff + 3 * bcs + p];
      float x0 = at[aOff + 0 * k + p];
      r00 = Math.fma(x0, y0, r00);
      r01 = Math.fma(x0, y1, r01);
      r02 = Math.fma(x0, y2, r02);
      r03 = Math.fma(x0, y3, r03);
      float x1 = at[aOff + 1 * k + p];
      r10 = Math.fma(x1, y0, r10);
      r11 = Math.fma(x1, y1, r11);
      r12 = Math.fma(x1, y2, r12);
      r13 = Math.fma(x1, y3, r13);
      float x2 = at[aOff + 2 * k + p];
      r20 = Math.fma(x2, y0, r20);
      r21 = Math.fma(x2, y1, r21);
      r22 = Math.fma(x2, y2, r22);
      r23 = Math.fma(x2, y3, r23);
      float x3 = at[aOff + 3 * k + p];
      r30 = Math.fma(x3, y0, r30);
      r31 = Math.fma(x3, y1, r31);
      r32 = Math.fma(x3, y2, r32);
      r33 = Math.fma(x3, y3, r33);
    }
    c[cOff + 0 * crs + 0 * ccs] += r00;
    c[cOff + 0 * crs + 1 * ccs] += r01;
    c[cOff + 0 * crs + 2 * ccs] += r02;
    c[cOff + 0 * crs + 3 * ccs] += r03;
    c[cOff + 1 * crs + 0 * ccs] += r10;
    c[cOff + 1 * crs + 1 * ccs] += r11;
    c[cOff + 1 * crs + 2 * ccs] += r12;
    c[cOff + 1 * crs + 3 * ccs] += r13;
    c[cOff + 2 * crs + 0 * ccs] += r20;
    c[cOff + 2 * crs + 1 * ccs] += r21;
    c[cOff + 2 * crs + 2 * ccs] += r22;
    c[cOff + 2 * crs + 3 * ccs] += r23;
    c[cOff + 3 * crs + 0 * ccs] += r30;
    c[cOff + 3 * crs + 1 * ccs] += r31;
    c[cOff + 3 * crs + 2 * ccs] += r32;
    c[cOff + 3 * crs + 3 * ccs] += r33;
  }
}
