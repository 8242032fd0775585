package dev.graft.dsl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PNG loss charts: several runs on one chart, headless. */
class LossPlotTest {
  private static History history(String name, double start, double rate, int steps) {
    List<Double> losses = new ArrayList<>();
    List<Double> lrs = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      losses.add(start * Math.exp(-rate * i) * (1 + 0.1 * Math.sin(i)));
      lrs.add(1e-3);
    }
    List<Epoch> epochs = new ArrayList<>();
    for (int e = 0; e < steps / 10; e++) {
      double mean = losses.subList(e * 10, e * 10 + 10).stream().mapToDouble(d -> d).average()
          .orElseThrow();
      epochs.add(new Epoch(e, 10, 320, mean, 0.5, Map.of()));
    }
    return new History(name, losses, lrs, epochs);
  }

  @Test
  void severalRunsGoOnOneChart(@TempDir Path dir) throws Exception {
    Path png = LossPlot.titled("zoo").add(history("lora", 1, 0.05, 60))
        .add(history("dora", 2, 0.08, 60)).add("ia3", history("x", 1.5, 0.02, 40))
        .smoothed(0.6).withEpochMeans().size(640, 400).save(dir.resolve("zoo.png"));
    assertTrue(TrainerTest.isPng(png));
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(640, image.getWidth());
    assertEquals(400, image.getHeight());
    assertEquals("true", System.getProperty("java.awt.headless"));
  }

  @Test
  void historyPlotWritesExactlyTheGivenPathWithParents(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("a/b/curve.PNG");
    assertEquals(png, history("run", 1, 0.1, 30).plot(png, "one run"));
    assertTrue(TrainerTest.isPng(png));
  }

  @Test
  void nonPositiveLossesUseALinearAxis(@TempDir Path dir) throws Exception {
    History h = new History("nll", List.of(1.0, 0.0, -0.5, Double.NaN, -1.0),
        List.of(0.1, 0.1, 0.1, 0.1, 0.1), List.of());
    assertTrue(TrainerTest.isPng(LossPlot.titled("t").add(h).save(dir.resolve("nll.png"))));
  }

  @Test
  void mistakesAreRefused(@TempDir Path dir) {
    History h = history("lora", 1, 0.1, 20);
    var twice = assertThrows(IllegalArgumentException.class,
        () -> LossPlot.titled("t").add(h).add(h));
    assertTrue(twice.getMessage().contains("'lora'"), twice.getMessage());
    assertThrows(IllegalStateException.class,
        () -> LossPlot.titled("t").save(dir.resolve("x.png")));
    History nan = new History("nan", List.of(Double.NaN), List.of(0.1), List.of());
    var empty = assertThrows(IllegalStateException.class,
        () -> LossPlot.titled("t").add(nan).save(dir.resolve("x.png")));
    assertTrue(empty.getMessage().contains("'nan'"), empty.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LossPlot.titled("t").smoothed(1.0));
  }
}
