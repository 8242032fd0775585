package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.dsl.Net;
import dev.graft.dsl.tree.Tree;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * This module pins Jackson to Spark's version (Spark's Scala module accepts no other): Graft's
 * checkpoint and PEFT I/O, which read and write JSON with Jackson, must work with it.
 */
class SparkJacksonTest {
  @Test
  void checkpointsAndPeftAdaptersRoundTripOnSparksJackson(@TempDir Path dir) {
    assertEquals("2.21", ObjectMapper.class.getPackage().getImplementationVersion()
        .substring(0, 4));
    Net net = Models.lora(3);
    net.save(dir.resolve("net.safetensors"));
    Net back = Net.load(dir.resolve("net.safetensors"), net.module());
    assertTrue(Tree.equals(net.module(), back.module()));
    net.saveAdapter(dir.resolve("adapter"));
    Net again = Models.lora(4).loadAdapter(dir.resolve("adapter"));
    assertEquals(0.0, DataParallelTest.maxAdapterDiff(net, again));
  }
}
