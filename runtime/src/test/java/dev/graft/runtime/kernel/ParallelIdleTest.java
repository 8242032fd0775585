package dev.graft.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The kernel pool's workers are daemons and retire when idle, so a program whose work is done
 * ends promptly even under a runner that waits for its threads (Maven's exec:java joins daemon
 * threads for 15 s and pool workers ignore its interrupt; the pool's default keep-alive is 60 s).
 */
class ParallelIdleTest {

  private static List<Thread> kernelThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("graft-kernel-"))
        .collect(Collectors.toList());
  }

  @Test
  void workersAreDaemonsAndRetireWhenIdle() throws InterruptedException {
    assumeTrue(Parallel.THREADS > 1, "one kernel thread: there is no pool");
    Set<String> ran = ConcurrentHashMap.newKeySet();
    for (int attempt = 0; attempt < 20 && kernelThreads().isEmpty(); attempt++) {
      Parallel.forRange(Parallel.THREADS, 1, 0, (from, to) -> {
        ran.add(Thread.currentThread().getName());
        try {
          Thread.sleep(20); // keep this chunk busy so a helper claims another
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    List<Thread> workers = kernelThreads();
    assertTrue(!workers.isEmpty(), "no kernel worker ever ran; chunks ran on " + ran);
    assertEquals(List.of(), workers.stream().filter(t -> !t.isDaemon()).collect(
        Collectors.toList()), "kernel workers must be daemons");
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!kernelThreads().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(List.of(), kernelThreads(), "idle kernel workers still alive after 10 s"
        + " (keep-alive " + Parallel.KEEP_ALIVE_SECONDS + " s)");
  }
}
