package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interrupting one thread that reads from a shared {@link SafetensorsReader} fails that thread's
 * read only: the other thread's reads, and every read after, still succeed.
 */
class SharedReaderInterruptTest {
  @TempDir
  Path dir;

  private Path file(Tensor big) {
    Path f = dir.resolve("big.safetensors");
    Safetensors.write(f, Map.of("big", big, "small", Tensor.of(new float[] {1, 2, 3}, 3)));
    return f;
  }

  @Test
  void aThreadInterruptedBeforeItReadsFailsAloneAndTheReaderStaysOpen() {
    Tensor big = Random.normal(Key.of(1), 64, 1024);
    try (SafetensorsReader r = Safetensors.open(file(big))) {
      Thread.currentThread().interrupt();
      try {
        var e = assertThrows(SafetensorsException.class, () -> r.tensor("big"));
        assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
        assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
      } finally {
        Thread.interrupted();
      }
      assertEquals(big, r.tensor("big"));
    }
  }

  @Test
  void interruptingOneOfTwoReadingThreadsLeavesTheOtherReading() throws Exception {
    Tensor big = Random.normal(Key.of(2), 1024, 1024); // 4 MiB: several chunks per read
    try (SafetensorsReader r = Safetensors.open(file(big))) {
      for (int trial = 0; trial < 10; trial++) {
        CountDownLatch started = new CountDownLatch(2);
        AtomicReference<Throwable> victimEnd = new AtomicReference<>();
        List<Throwable> otherFailures = new ArrayList<>();
        Thread victim = new Thread(() -> {
          started.countDown();
          try {
            while (true) {
              r.tensor("big");
            }
          } catch (Throwable t) {
            victimEnd.set(t);
          }
        });
        Thread other = new Thread(() -> {
          started.countDown();
          try {
            for (int i = 0; i < 6; i++) {
              assertEquals(big, r.tensor("big"));
            }
          } catch (Throwable t) {
            synchronized (otherFailures) {
              otherFailures.add(t);
            }
          }
        });
        victim.start();
        other.start();
        started.await();
        Thread.sleep(trial % 3);
        victim.interrupt();
        victim.join(30_000);
        other.join(30_000);
        assertEquals(List.of(), otherFailures, "trial " + trial);
        assertTrue(victimEnd.get() instanceof SafetensorsException
            && victimEnd.get().getMessage().contains("interrupted"),
            String.valueOf(victimEnd.get()));
        assertEquals(big, r.tensor("big"), "trial " + trial);
        assertEquals(3f, r.tensor("small").value(2));
      }
    }
  }

  @Test
  void aClosedReaderStillRefuses() {
    SafetensorsReader r = Safetensors.open(file(Tensor.ones(4)));
    r.close();
    assertThrows(IllegalStateException.class, () -> r.tensor("big"));
  }
}
