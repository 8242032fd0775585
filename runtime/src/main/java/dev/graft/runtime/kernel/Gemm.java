package dev.graft.runtime.kernel;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses how one float32 matrix product {@code C = op(A) · op(B)} is computed: the direct loops
 * for small products, otherwise the packed kernel (the Vector API one when the
 * {@code jdk.incubator.vector} module is present, the plain-Java one otherwise), on
 * {@link Parallel#THREADS} threads when the work is large enough: the Vector API kernel shares its
 * packed blocks of {@code B} between the threads, the others split {@code C} into slices
 * ({@link #split}).
 */
final class Gemm {
  /**
   * Multiply-adds up to which the direct, unpacked loops are used. Measured: the packed kernels
   * already win from about 8×16×8, since their buffers are per-thread and reused.
   */
  static final long DIRECT_MAX = Long.getLong("graft.matmul.directMax", 1L << 9);
  /**
   * Multiply-adds from which one product is split across threads: about 40 µs of single-thread
   * work for the Vector API kernel, well above the pool's hand-off cost.
   */
  static final long THREAD_MIN = Long.getLong("graft.matmul.threadMin", 1L << 21);
  /** Columns below which a product with more rows is computed transposed (as Bᵀ·Aᵀ). */
  static final int SWAP_N = 32;
  /** Slices of C are whole multiples of this many rows or columns (a micro-tile's width). */
  private static final int UNIT = 32;
  /** Slices per thread: more than one, to rebalance around a thread the OS stalled. */
  private static final int CHUNKS_PER_THREAD = 4;
  /**
   * Narrowest slice, in units, unless that leaves fewer slices than threads: each slice packs the
   * whole other operand, which costs about 30/width of its arithmetic at vector speed.
   */
  private static final int MIN_CHUNK_UNITS = 8;

  static final GemmKernel DIRECT = new GemmDirect();
  static final GemmKernel PLAIN = new GemmPlain();
  /** The Vector API kernel, or null when the incubator module is not in the boot layer. */
  static final GemmKernel VECTOR = GemmVectorLoader.load();
  static final GemmKernel PACKED = VECTOR != null ? VECTOR : PLAIN;

  private Gemm() {}

  /**
   * Adds the {@code m×n} product into {@code c} at {@code cOff} (row-major).
   * {@code A} is {@code m×k} ({@code k×m} when {@code ta}) at {@code aOff}; {@code B} is
   * {@code k×n} ({@code n×k} when {@code tb}) at {@code bOff}.
   */
  static void gemm(int m, int n, int k, float[] a, int aOff, boolean ta, float[] b, int bOff,
      boolean tb, float[] c, int cOff) {
    long madds = (long) m * n * k;
    gemm(kernelFor(madds), threadsFor(madds), m, n, k, a, aOff, ta, b, bOff, tb, c, cOff, true,
        MatmulEpilogue.NONE);
  }

  /** The kernel for a product of {@code madds} multiply-adds. */
  static GemmKernel kernelFor(long madds) {
    return madds <= DIRECT_MAX ? DIRECT : PACKED;
  }

  /** The threads a product of {@code madds} multiply-adds is split across. */
  static int threadsFor(long madds) {
    return madds >= THREAD_MIN ? Parallel.THREADS : 1;
  }

  /** As above with the kernel and the thread count chosen by the caller (tests, benchmarks). */
  static void gemm(GemmKernel kernel, int threads, int m, int n, int k, float[] a, int aOff,
      boolean ta, float[] b, int bOff, boolean tb, float[] c, int cOff) {
    gemm(kernel, threads, m, n, k, a, aOff, ta, b, bOff, tb, c, cOff, true, MatmulEpilogue.NONE);
  }

  /**
   * {@code C = op(A)·op(B)} ({@code C +=} when {@code accumulate}) followed by the epilogue, with
   * {@code C} row-major {@code m×n} at {@code cOff}; the kernel and thread count chosen by the
   * caller.
   */
  static void gemm(GemmKernel kernel, int threads, int m, int n, int k, float[] a, int aOff,
      boolean ta, float[] b, int bOff, boolean tb, float[] c, int cOff, boolean accumulate,
      MatmulEpilogue epilogue) {
    int ars = ta ? 1 : k;
    int acs = ta ? m : 1;
    int brs = tb ? 1 : n;
    int bcs = tb ? k : 1;
    MatmulEpilogue tail = epilogue.isNone() ? null : epilogue;
    if (m == 0 || n == 0) {
      return;
    }
    if (kernel != DIRECT && n < SWAP_N && m > n) {
      // Cᵀ = Bᵀ·Aᵀ keeps the long side on the kernel's vectorized axis; the epilogue's bias runs
      // over C's columns, so it is applied after, on C as it lies.
      kernel.gemm(threads, n, m, k, b, bOff, bcs, brs, a, aOff, acs, ars, c, cOff, 1, n,
          accumulate, null);
      if (tail != null) {
        tail.apply(c, cOff, n, 1, 0, m, 0, n);
      }
    } else {
      kernel.gemm(threads, m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, n, 1,
          accumulate, tail);
    }
  }

  /** Sets {@code m×n} elements of a strided view to zero. */
  static void zero(float[] c, int cOff, int crs, int ccs, int m, int n) {
    for (int i = 0; i < m; i++) {
      int off = cOff + i * crs;
      if (ccs == 1) {
        java.util.Arrays.fill(c, off, off + n, 0f);
      } else {
        for (int j = 0; j < n; j++) {
          c[off + j * ccs] = 0f;
        }
      }
    }
  }

  /**
   * Runs the kernel on disjoint column (or, for narrow products, row) slices of C. There are up to
   * {@link #CHUNKS_PER_THREAD} slices per thread, handed out one at a time, so a thread the OS
   * descheduled (a shared machine) delays only its slice, not half the product; slices are at
   * least {@link #MIN_CHUNK_UNITS} units wide since each packs its own operands.
   */
  static void split(GemmKernel kernel, int threads, int m, int n, int k, float[] a,
      int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs, float[] c, int cOff,
      int crs, int ccs) {
    int nUnits = (n + UNIT - 1) / UNIT;
    int mUnits = (m + UNIT - 1) / UNIT;
    if (threads <= 1 || Math.max(nUnits, mUnits) < 2) {
      kernel.gemm(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, crs, ccs);
      return;
    }
    boolean byColumns = nUnits >= 2 * threads || nUnits >= mUnits;
    int units = byColumns ? nUnits : mUnits;
    int chunks = Math.max(threads, Math.min(threads * CHUNKS_PER_THREAD, units / MIN_CHUNK_UNITS));
    AtomicInteger next = new AtomicInteger();
    Parallel.forRange(threads, Long.MAX_VALUE, 0, (from, to) -> {
      for (int t = next.getAndIncrement(); t < chunks; t = next.getAndIncrement()) {
        int u0 = (int) ((long) units * t / chunks);
        int u1 = (int) ((long) units * (t + 1) / chunks);
        if (byColumns) {
          int j0 = u0 * UNIT;
          int j1 = Math.min(n, u1 * UNIT);
          kernel.gemm(m, j1 - j0, k, a, aOff, ars, acs, b, bOff + j0 * bcs, brs, bcs, c,
              cOff + j0 * ccs, crs, ccs);
        } else {
          int i0 = u0 * UNIT;
          int i1 = Math.min(m, u1 * UNIT);
          kernel.gemm(i1 - i0, n, k, a, aOff + i0 * ars, ars, acs, b, bOff, brs, bcs, c,
              cOff + i0 * crs, crs, ccs);
        }
      }
    });
  }
}
