package dev.graft.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * {@link Parallel#forRange}: every index is visited exactly once in contiguous chunks, the calling
 * thread takes part, errors reach the caller after the started chunks end, and nested or
 * concurrent calls finish.
 */
class ParallelTest {
  private static final Duration LIMIT = Duration.ofSeconds(30);

  @Test
  void everyIndexExactlyOnceInContiguousChunks() {
    for (int n : new int[] {1, 2, 3, 7, 64, 1000, 100_003}) {
      AtomicIntegerArray hits = new AtomicIntegerArray(n);
      List<int[]> ranges = new java.util.concurrent.CopyOnWriteArrayList<>();
      Parallel.forRange(n, Long.MAX_VALUE, 0, (from, to) -> {
        ranges.add(new int[] {from, to});
        for (int i = from; i < to; i++) {
          hits.incrementAndGet(i);
        }
      });
      for (int i = 0; i < n; i++) {
        assertEquals(1, hits.get(i), "index " + i + " of " + n);
      }
      int chunks = Math.min(n, Parallel.THREADS);
      Set<List<Integer>> expected = new java.util.HashSet<>();
      for (int c = 0; c < chunks; c++) {
        expected.add(List.of((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks)));
      }
      Set<List<Integer>> actual = new java.util.HashSet<>();
      for (int[] r : ranges) {
        actual.add(List.of(r[0], r[1]));
      }
      assertEquals(chunks, ranges.size(), "chunks for n = " + n);
      assertEquals(expected, actual, "chunk bounds for n = " + n);
    }
  }

  @Test
  void smallWorkRunsOnTheCallingThreadInOneChunk() {
    Thread me = Thread.currentThread();
    AtomicInteger calls = new AtomicInteger();
    Parallel.forRange(1000, 10, 1 << 20, (from, to) -> {
      assertSame(me, Thread.currentThread());
      assertEquals(0, from);
      assertEquals(1000, to);
      calls.incrementAndGet();
    });
    assertEquals(1, calls.get());
  }

  @Test
  void theCallerRunsTheChunksWhenEveryWorkerIsBusy() throws Exception {
    // Block every pool worker (and the callers that occupy them) inside a body, then split a
    // range from this thread: it must finish on its own, since it never waits for a chunk that
    // no worker has started.
    int threads = Parallel.THREADS;
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    AtomicInteger entered = new AtomicInteger();
    ExecutorService blockers = Executors.newFixedThreadPool(threads);
    try {
      for (int t = 0; t < threads; t++) {
        blockers.submit(() -> Parallel.forRange(threads, Long.MAX_VALUE, 0, (from, to) -> {
          entered.incrementAndGet();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }));
      }
      long deadline = System.nanoTime() + LIMIT.toNanos();
      int busy = threads == 1 ? 1 : 2 * threads; // every blocker and every worker inside a body
      while (entered.get() < busy && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertTrue(entered.get() >= busy, "the pool's workers never all started: " + entered);
      Set<Thread> ran = ConcurrentHashMap.newKeySet();
      Thread caller = new Thread(() -> Parallel.forRange(threads, Long.MAX_VALUE, 0,
          (from, to) -> ran.add(Thread.currentThread())));
      caller.setDaemon(true);
      caller.start();
      caller.join(10_000);
      assertTrue(!caller.isAlive(), "forRange waited for busy workers instead of running the"
          + " chunks itself");
      assertEquals(Set.of(caller), ran);
    } finally {
      release.countDown();
      blockers.shutdown();
    }
  }

  @Test
  void anErrorReachesTheCallerAfterTheOtherChunksFinish() {
    AtomicInteger finished = new AtomicInteger();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Parallel.forRange(8 * Parallel.THREADS, Long.MAX_VALUE, 0, (from, to) -> {
          if (from == 0) {
            throw new IllegalArgumentException("boom");
          }
          try {
            Thread.sleep(20);
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
          }
          finished.incrementAndGet();
        }));
    assertEquals("boom", e.getMessage());
    assertEquals(Math.min(8 * Parallel.THREADS, Parallel.THREADS) - 1, finished.get(),
        "every other chunk had finished when the error was thrown");
  }

  @Test
  void nestedAndConcurrentCallsFinish() throws Exception {
    int n = 10_000;
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<Future<Long>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(callers.submit(() -> {
          AtomicIntegerArray hits = new AtomicIntegerArray(n);
          Parallel.forRange(16, Long.MAX_VALUE, 0, (from, to) -> {
            for (int c = from; c < to; c++) {
              int base = c * (n / 16);
              Parallel.forRange(n / 16, Long.MAX_VALUE, 0, (a, b) -> {
                for (int i = a; i < b; i++) {
                  hits.incrementAndGet(base + i);
                }
              });
            }
          });
          long sum = 0;
          for (int i = 0; i < n; i++) {
            sum += hits.get(i);
          }
          return sum;
        }));
      }
      for (Future<Long> f : results) {
        assertEquals((long) n, assertTimeoutPreemptively(LIMIT, () -> f.get()));
      }
    } finally {
      callers.shutdownNow();
    }
  }
}
