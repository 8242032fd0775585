package dev.graft.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The many-adapters sample: each adapter learns its own task over the shared frozen base, the
 * mixed batch equals the single-adapter runs, the cat combination equals both active, the second
 * adapter costs its LoRA factors only, and fromPretrained gives the saved adapters back.
 */
class TwoTasksTest {
  @Test
  void twoAdaptersShareOneBase() {
    StdoutCapture.Captured<TwoTasks.Result> run = StdoutCapture.run(() -> {
      try {
        return TwoTasks.run();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    List<String> lines = run.lines();
    assertEquals(run.value().lines(), lines);
    assertEquals("[taskA, taskB]", lines.get(0));
    double[] a = numbers(lines.get(1));
    double[] b = numbers(lines.get(2));
    assertTrue(a[1] < a[0] / 10 && a[1] < a[2], lines.get(1)); // taskA learns task A
    assertTrue(b[2] < b[0] / 10 && b[2] < b[1], lines.get(2)); // taskB learns task B
    assertTrue(Double.parseDouble(lines.get(3).split("= ")[1]) < 1e-5, lines.get(3));
    assertTrue(Double.parseDouble(lines.get(4).split("both active: ")[1]) < 1e-5, lines.get(4));
    double energy = Double.parseDouble(lines.get(5).split("up to ")[1]);
    assertTrue(energy > 0 && energy < 1, lines.get(5));
    long adapter = 4 * (8 + 128) + 4 * (128 + 128) + 4 * (128 + 1);
    long copy = 8 * 128 + 128 + 128 * 128 + 128 + 128 + 1;
    assertTrue(lines.get(6).startsWith(String.format(java.util.Locale.ROOT,
        "adapter taskB: %,d parameters (%,d bytes); a full copy of the model: %,d parameters",
        adapter, 4 * adapter, copy)), lines.get(6));
    assertEquals("fromPretrained: [taskA, taskB], max |taskB - saved taskB| = 0.0e+00",
        lines.get(7));
  }

  /** Each {@code // guide:} block of the sample appears verbatim in the GUIDE's section. */
  @Test
  void theGuideShowsTheSamplesCode() throws java.io.IOException {
    GuideBlocks.assertShownInGuide("TwoTasks.java", 4);
  }

  private static double[] numbers(String line) {
    String[] parts = line.split("base |, taskA |, taskB ");
    return new double[] {Double.parseDouble(parts[1]), Double.parseDouble(parts[2]),
        Double.parseDouble(parts[3])};
  }
}
