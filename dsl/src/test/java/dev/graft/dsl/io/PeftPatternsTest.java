package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.dsl.Net;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rank_pattern} / {@code alpha_pattern} keys: PEFT's rule ({@code re.match(r"(.*\.)?(key)$",
 * name)}, first key wins), matched in linear time so a hostile key cannot hang a load.
 */
class PeftPatternsTest {
  @TempDir
  Path tmp;

  private static PeftPatterns of(String... keysThenValues) {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    for (int i = 0; i < keysThenValues.length; i++) {
      m.put(keysThenValues[i], IntNode.valueOf(i));
    }
    return PeftPatterns.compile(m);
  }

  @Test
  void aKeyMatchesAWholeDottedSuffix() {
    PeftPatterns p = of("layers.1");
    assertEquals(0, p.lookup("layers.1").intValue());
    assertEquals(0, p.lookup("model.layers.1").intValue());
    assertNull(p.lookup("xlayers.1"), "must start at a dot boundary");
    assertNull(p.lookup("layers.10"), "must end the name");
    assertNull(p.lookup("layers.1.q"));
  }

  @Test
  void keysAreRegexesAndTheFirstThatAppliesWins() {
    PeftPatterns p = of("layers\\.[0-2]\\.q", "q", "^enc");
    assertEquals(0, p.lookup("model.layers.2.q").intValue());
    assertEquals(1, p.lookup("model.layers.7.q").intValue());
    assertEquals(2, p.lookup("enc").intValue());
  }

  @Test
  void constructsRe2CannotMatchAreRefusedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> of("(?<=x)q"));
    assertTrue(e.getMessage().contains("(?<=x)q"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> of("x".repeat(5000)));
    assertTrue(e.getMessage().contains("5000"), e.getMessage());
  }

  /** {@code (.*} ×20 {@code )*x}: exponential for a backtracking matcher, linear here. */
  @Test
  void hostilePatternInALoadedConfigReturnsQuickly() throws IOException {
    String hostile = "(.*".repeat(20) + ")*".repeat(20) + "x";
    Path d = tmp.resolve("lora");
    Files.createDirectories(d);
    Path peft = PeftFixtures.dir("lora");
    Files.copy(peft.resolve(PeftAdapters.WEIGHTS), d.resolve(PeftAdapters.WEIGHTS));
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode cfg = (ObjectNode) mapper.readTree(peft.resolve(PeftAdapters.CONFIG).toFile());
    cfg.putObject("rank_pattern").put(hostile, 2);
    cfg.putObject("alpha_pattern").put(hostile, 3.0);
    Files.writeString(d.resolve(PeftAdapters.CONFIG), mapper.writeValueAsString(cfg));
    PeftFixtures.Kind lora = PeftFixtures.KINDS.get(0);
    Net net = PeftFixtures.adapted(lora, 1);
    long[] nanos = new long[1];
    Net loaded = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      long t0 = System.nanoTime();
      Net n = net.loadAdapter(d);
      nanos[0] = System.nanoTime() - t0;
      return n;
    });
    assertTrue(nanos[0] < 1_000_000_000L, "loadAdapter took " + nanos[0] / 1e6 + " ms");
    // The key matches neither 'enc' nor 'dec' (no 'x'), so r and lora_alpha apply: PEFT's y.
    Map<String, dev.graft.runtime.Tensor> io = PeftFixtures.io("lora");
    assertTrue(loaded.apply(io.get("x")).maxAbsDiff(io.get("y")) <= 1e-5);

    // And a long name against it: still linear.
    PeftPatterns p = PeftPatterns.compile(Map.of(hostile, IntNode.valueOf(1)));
    String name = "a.".repeat(2000) + "b";
    long t0 = System.nanoTime();
    assertNull(assertTimeoutPreemptively(Duration.ofSeconds(20), () -> p.lookup(name)));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 1000, "matching a 4001-character name took " + ms + " ms");
    assertEquals(1, p.lookup(name + "x").intValue());
  }
}
