package dev.graft.dsl.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A PNG chart of loss curves, one per named run, loss against step: for comparing runs (every
 * adapter of the zoo on one chart) or looking at one ({@link History#plot}). Immutable: every
 * option returns a new plot. Drawn with XChart in headless mode ({@code java.awt.headless} is set
 * to {@code true} unless the caller set it), so it works on a server without a display. XChart is
 * an optional dependency of this module: a project that saves plots adds {@code
 * org.knowm.xchart:xchart} itself; without it {@link #save} throws an {@link
 * IllegalStateException} that names it, and nothing else needs it.
 *
 * <pre>{@code
 * LossPlot.titled("LoRA vs DoRA").add("lora", a.history()).add("dora", b.history())
 *     .smoothed(0.9).save(Path.of("losses.png"));
 * }</pre>
 *
 * <p>The loss axis is logarithmic when every plotted value is positive, linear otherwise; points
 * that are not finite are left out.
 */
public final class LossPlot {
  private record Run(String name, History history) {}

  private final String title;
  private final List<Run> runs;
  private final boolean epochMeans;
  private final double smoothing;
  private final int width;
  private final int height;

  private LossPlot(String title, List<Run> runs, boolean epochMeans, double smoothing, int width,
      int height) {
    this.title = title;
    this.runs = List.copyOf(runs);
    this.epochMeans = epochMeans;
    this.smoothing = smoothing;
    this.width = width;
    this.height = height;
  }

  /** An empty 800×500 chart titled {@code title}. */
  public static LossPlot titled(String title) {
    return new LossPlot(title, List.of(), false, 0, 800, 500);
  }

  /** This chart with {@code history}'s step losses as a curve named after the run. */
  public LossPlot add(History history) {
    return add(history.name(), history);
  }

  /** This chart with {@code history}'s step losses as a curve named {@code name}. */
  public LossPlot add(String name, History history) {
    for (Run r : runs) {
      if (r.name().equals(name)) {
        throw new IllegalArgumentException("LossPlot: a run named '" + name + "' is already on"
            + " the chart; give each run its own name");
      }
    }
    List<Run> more = new ArrayList<>(runs);
    more.add(new Run(name, history));
    return new LossPlot(title, more, epochMeans, smoothing, width, height);
  }

  /** This chart with each run's per-epoch mean loss drawn too, at the step ending the epoch. */
  public LossPlot withEpochMeans() {
    return new LossPlot(title, runs, true, smoothing, width, height);
  }

  /**
   * This chart with the step curves smoothed by a bias-corrected exponential moving average of
   * weight {@code beta} in {@code [0, 1)} (as TensorBoard's smoothing slider; 0 is raw).
   */
  public LossPlot smoothed(double beta) {
    if (!(beta >= 0 && beta < 1)) {
      throw new IllegalArgumentException("LossPlot.smoothed: beta must be in [0, 1), got " + beta);
    }
    return new LossPlot(title, runs, epochMeans, beta, width, height);
  }

  /** This chart with another size in pixels. */
  public LossPlot size(int widthPx, int heightPx) {
    if (widthPx < 100 || heightPx < 100) {
      throw new IllegalArgumentException("LossPlot.size: need at least 100×100 pixels, got "
          + widthPx + "×" + heightPx);
    }
    return new LossPlot(title, runs, epochMeans, smoothing, widthPx, heightPx);
  }

  /**
   * Draws the chart and writes it as a PNG to {@code png} (exactly that path; parent folders are
   * created), returning the path.
   *
   * @throws IllegalStateException when there is no run, a run has no finite loss to draw, or
   *     XChart is not on the class path
   * @throws UncheckedIOException when the file cannot be written
   */
  public Path save(Path png) {
    if (runs.isEmpty()) {
      throw new IllegalStateException("LossPlot.save: no run to plot; add(history) first");
    }
    OptionalDependency.require(OptionalDependency.XCHART, "LossPlot.save (and History.plot)");
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    List<double[][]> curves = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Boolean> means = new ArrayList<>();
    boolean positive = true;
    for (Run r : runs) {
      double[][] steps = finite(r.name(), stepCurve(r.history()));
      curves.add(steps);
      names.add(r.name());
      means.add(false);
      if (epochMeans && !r.history().epochs().isEmpty()) {
        curves.add(finite(r.name(), epochCurve(r.history())));
        names.add(r.name() + " (epoch mean)");
        means.add(true);
      }
    }
    for (double[][] c : curves) {
      for (double y : c[1]) {
        positive &= y > 0;
      }
    }
    try {
      byte[] bytes = LossChart.png(title, width, height, positive, curves, names, means);
      Path parent = png.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(png, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("LossPlot: cannot write the chart to " + png + ": "
          + e.getMessage(), e);
    }
    return png;
  }

  /** Steps 1..n against the (smoothed) step losses. */
  private double[][] stepCurve(History h) {
    List<Double> losses = h.stepLosses();
    double[] x = new double[losses.size()];
    double[] y = new double[losses.size()];
    double avg = 0;
    int seen = 0;
    for (int i = 0; i < y.length; i++) {
      x[i] = i + 1;
      double v = losses.get(i);
      if (smoothing == 0 || !Double.isFinite(v)) {
        y[i] = v;
        continue;
      }
      avg = smoothing * avg + (1 - smoothing) * v;
      seen++;
      y[i] = avg / (1 - Math.pow(smoothing, seen));
    }
    return new double[][] {x, y};
  }

  /** The step ending each epoch against the epoch's mean loss. */
  private static double[][] epochCurve(History h) {
    List<Epoch> epochs = h.epochs();
    double[] x = new double[epochs.size()];
    double[] y = new double[epochs.size()];
    long step = 0;
    for (int i = 0; i < x.length; i++) {
      step += epochs.get(i).steps();
      x[i] = step;
      y[i] = epochs.get(i).meanLoss();
    }
    return new double[][] {x, y};
  }

  private static double[][] finite(String name, double[][] xy) {
    int n = 0;
    for (double y : xy[1]) {
      if (Double.isFinite(y)) {
        n++;
      }
    }
    if (n == 0) {
      throw new IllegalStateException("LossPlot.save: run '" + name
          + "' has no finite loss to plot");
    }
    double[] x = new double[n];
    double[] y = new double[n];
    int k = 0;
    for (int i = 0; i < xy[1].length; i++) {
      if (Double.isFinite(xy[1][i])) {
        x[k] = xy[0][i];
        y[k++] = xy[1][i];
      }
    }
    return new double[][] {x, y};
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    for (Run r : runs) {
      names.add(r.name());
    }
    return "LossPlot['" + title + "', runs " + names + "]";
  }
}
