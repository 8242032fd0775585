package dev.graft.spark;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * A {@link SparkListener} that adds up what Spark itself reports per finished task: the bytes of
 * the serialized task results sent to the driver and the shuffle bytes written and read. Attach it
 * around a run to see what the run moved, envelope included.
 */
public final class TaskTraffic extends SparkListener implements AutoCloseable {
  private final JavaSparkContext sc;
  private final AtomicLong tasks = new AtomicLong();
  private final AtomicLong resultBytes = new AtomicLong();
  private final AtomicLong shuffleWritten = new AtomicLong();
  private final AtomicLong shuffleRead = new AtomicLong();

  private TaskTraffic(JavaSparkContext sc) {
    this.sc = sc;
  }

  /** A listener counting from now on; {@link #close()} detaches it. */
  public static TaskTraffic attach(JavaSparkContext sc) {
    TaskTraffic t = new TaskTraffic(sc);
    sc.sc().addSparkListener(t);
    return t;
  }

  /**
   * The totals so far.
   *
   * @param tasks finished tasks counted
   * @param resultBytes serialized task results sent to the driver
   * @param shuffleBytesWritten shuffle bytes written
   * @param shuffleBytesRead shuffle bytes read, local and remote
   */
  public record Totals(long tasks, long resultBytes, long shuffleBytesWritten,
      long shuffleBytesRead) {}

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    TaskMetrics m = end.taskMetrics();
    if (m == null) {
      return;
    }
    resultBytes.addAndGet(m.resultSize());
    shuffleWritten.addAndGet(m.shuffleWriteMetrics().bytesWritten());
    shuffleRead.addAndGet(m.shuffleReadMetrics().totalBytesRead());
    tasks.incrementAndGet();
  }

  /** The totals now (events arrive asynchronously; see {@link #await}). */
  public Totals totals() {
    return new Totals(tasks.get(), resultBytes.get(), shuffleWritten.get(), shuffleRead.get());
  }

  /**
   * The totals once at least {@code atLeast} tasks are counted.
   *
   * @throws IllegalStateException when they are not within {@code timeout}
   */
  public Totals await(long atLeast, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (tasks.get() < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("TaskTraffic: " + tasks.get() + " tasks counted within "
            + timeout + ", expected " + atLeast);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("TaskTraffic: interrupted", e);
      }
    }
    return totals();
  }

  /** Detaches the listener. */
  @Override
  public void close() {
    sc.sc().removeSparkListener(this);
  }
}
