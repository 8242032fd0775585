package dev.graft.runtime.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits index ranges across the kernel thread pool (one worker per available core). Work below
 * a grain runs on the calling thread, so small tensors pay no scheduling cost.
 *
 * <p>The calling thread takes part: it wakes helpers for the other chunks, then claims chunks
 * itself until none is left, and waits only for chunks a helper has already started. So a helper
 * that is slow to be scheduled (a busy machine) delays nothing: the caller runs its chunk too.
 */
public final class Parallel {
  /** Number of worker threads kernels split across. */
  public static final int THREADS = Math.max(1, Integer.getInteger("graft.threads",
      Runtime.getRuntime().availableProcessors()));

  /**
   * Seconds an idle worker lives. Short, so that a program whose work is done is not held up by
   * idle workers: tools that wait for a program's threads to end (Maven's {@code exec:java} joins
   * even daemon threads for 15 s, and pool workers ignore its interrupt) see them go within about
   * a second per worker. Kernels run back to back while training, so workers are rarely retired
   * mid-job, and a retired one is replaced on the next parallel kernel.
   */
  static final long KEEP_ALIVE_SECONDS = 1;

  private static final ForkJoinPool POOL = THREADS == 1 ? null : new ForkJoinPool(THREADS,
      pool -> {
        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("graft-kernel-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
      }, null, false, THREADS, THREADS + 256, 1, null, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);

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
   * it on this thread. Chunks never overlap, so bodies may write disjoint output ranges; chunk
   * {@code c} of {@code k} is {@code [n·c/k, n·(c+1)/k)} whichever thread runs it. An exception
   * thrown by the body is rethrown here once every started chunk has finished.
   */
  public static void forRange(int n, long work, long minWork, RangeBody body) {
    if (n <= 0) {
      return;
    }
    int chunks = Math.min(n, THREADS);
    if (POOL == null || chunks <= 1 || work < minWork || ForkJoinTask.getPool() == POOL) {
      body.run(0, n);
      return;
    }
    Job job = new Job(body, n, chunks, Thread.currentThread());
    for (int c = 1; c < chunks; c++) {
      POOL.execute(job);
    }
    job.run();
    job.await();
  }

  /** One split range: chunks are claimed by number, by the caller and the helpers alike. */
  private static final class Job implements Runnable {
    private final RangeBody body;
    private final int n;
    private final int chunks;
    private final Thread caller;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger unfinished;
    private volatile Throwable error;

    Job(RangeBody body, int n, int chunks, Thread caller) {
      this.body = body;
      this.n = n;
      this.chunks = chunks;
      this.caller = caller;
      this.unfinished = new AtomicInteger(chunks);
    }

    /** Claims and runs chunks until none is left. */
    @Override
    public void run() {
      for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
        try {
          body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
        } catch (Throwable t) {
          if (error == null) {
            error = t;
          }
        } finally {
          if (unfinished.decrementAndGet() == 0 && Thread.currentThread() != caller) {
            LockSupport.unpark(caller);
          }
        }
      }
    }

    /** Waits (parked, not spinning) for the chunks helpers started, then rethrows any error. */
    void await() {
      while (unfinished.get() > 0) {
        LockSupport.park(this);
      }
      Throwable t = error;
      if (t instanceof RuntimeException e) {
        throw e;
      }
      if (t instanceof Error e) {
        throw e;
      }
      if (t != null) {
        throw new IllegalStateException(t);
      }
    }
  }
}
