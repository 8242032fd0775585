package dev.graft.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's Java example runs, trains only the adapters, and its merge keeps the outputs. */
class QuickstartTest {
  @Test
  void quickstartTrainsTheAdaptersAndMergesThemAway() {
    StdoutCapture.Captured<Net> run = StdoutCapture.run(Quickstart::run);
    Net trained = run.value();
    List<String> lines = run.lines();

    assertEquals("Net[Sequential, trainable 2116 of 20933]", lines.get(0));
    assertEquals(4 * (16 + 128) + 4 * (128 + 128) + 4 * (128 + 1), trained.trainableCount());
    String mse = lines.stream().filter(l -> l.startsWith("mse ")).findFirst().orElseThrow();
    String[] parts = mse.split(" ");
    double before = Double.parseDouble(parts[1]);
    double after = Double.parseDouble(parts[3]);
    assertTrue(after < before / 10, mse);
    String merged = lines.get(lines.size() - 2);
    assertTrue(merged.startsWith("Net[Sequential, trainable 0 of 18817, merged] [layers/0/weight,"),
        merged);
    assertTrue(!merged.contains("lora"), merged);
    double gap = Double.parseDouble(lines.get(lines.size() - 1).split("= ")[1]);
    assertTrue(gap < 1e-5, "merged vs adapted " + gap);
  }
}
