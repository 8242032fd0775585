package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.runtime.Tensor;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saving streams each tensor from its storage: writing a 64 MiB tensor allocates under 4 MiB
 * (about 1.1 MiB: the 1 MiB chunk buffer and the header), never a full copy of it.
 */
class StreamingWriteTest {
  private static final int ELEMENTS = 16 << 20; // 64 MiB of float32

  @TempDir
  Path dir;

  @Test
  void savingA64MiBTensorAllocatesFarLessThanItsSize() {
    var mx = ManagementFactory.getThreadMXBean();
    assumeTrue(mx instanceof com.sun.management.ThreadMXBean t
        && t.isThreadAllocatedMemorySupported(), "per-thread allocation counters");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) mx;
    threads.setThreadAllocatedMemoryEnabled(true);
    float[] data = new float[ELEMENTS];
    for (int i = 0; i < data.length; i += 4099) {
      data[i] = i;
    }
    Tensor big = Tensor.adopt(data, 4096, 4096);
    Path file = dir.resolve("big.safetensors");
    Safetensors.write(file, Map.of("warm", Tensor.ones(3))); // load the classes first
    long tid = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(tid);
    Safetensors.write(file, Map.of("big", big, "small", Tensor.ones(2, 2)), Map.of("k", "v"));
    long allocated = threads.getThreadAllocatedBytes(tid) - before;
    long size = 4L * ELEMENTS;
    assertTrue(allocated < 4L << 20, "writing a " + size + "-byte tensor allocated " + allocated
        + " bytes");
    try (SafetensorsReader r = Safetensors.open(file)) {
      assertEquals(big, r.tensor("big"));
      assertEquals(Tensor.ones(2, 2), r.tensor("small"));
    }
  }
}
