package dev.graft.runtime.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Splits index ranges across the kernel thread pool (one worker per available core). Work below
 * a grain runs on the calling thread, so small tensors pay no scheduling cost.
 */
public final class Parallel {
  /** Number of worker threads kernels split across. */
  public static final int THREADS = Math.max(1, Integer.getInteger("graft.threads",
      Runtime.getRuntime().availableProcessors()));

  private static final ForkJoinPool POOL = THREADS == 1 ? null : new ForkJoinPool(THREADS,
      pool -> {
        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("graft-kernel-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
      }, null, false);

  private Parallel() {}

  /** A body over the half-open index range {@code [from, to)}. */
  @FunctionalInterface
  public interface RangeBody {
    /** Processes indices {@code from} (inclusive) to {@code to} (exclusive). */
    void run(int from, int to);
  }

  /**
   * Runs {@code body} over {@code [0, n)} in up to {@link #THREADS} contiguous chunks when the
   * total {@code work} (any unit, e.g. flops or elements) reaches {@code minWork}; otherwise runs
   * it on this thread. Chunks never overlap, so bodies may write disjoint output ranges.
   */
  public static void forRange(int n, long work, long minWork, RangeBody body) {
    if (n <= 0) {
      return;
    }
    int chunks = (int) Math.min(n, THREADS);
    if (POOL == null || chunks <= 1 || work < minWork || java.util.concurrent.ForkJoinTask.getPool() == POOL) {
      body.run(0, n);
      return;
    }
    POOL.invoke(new Split(body, n, chunks, 0, chunks));
  }

  private static final class Split extends RecursiveAction {
    private final RangeBody body;
    private final int n;
    private final int chunks;
    private final int lo;
    private final int hi;

    Split(RangeBody body, int n, int chunks, int lo, int hi) {
      this.body = body;
      this.n = n;
      this.chunks = chunks;
      this.lo = lo;
      this.hi = hi;
    }

    @Override
    protected void compute() {
      if (hi - lo == 1) {
        long from = (long) n * lo / chunks;
        long to = (long) n * (lo + 1) / chunks;
        body.run((int) from, (int) to);
        return;
      }
      int mid = (lo + hi) >>> 1;
      invokeAll(new Split(body, n, chunks, lo, mid), new Split(body, n, chunks, mid, hi));
    }
  }
}
