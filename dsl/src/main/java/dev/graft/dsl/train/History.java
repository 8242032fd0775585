package dev.graft.dsl.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The record of one training run: the loss and learning rate of every step and a summary of every
 * epoch (mean loss, wall time, throughput, evaluation metrics).
 *
 * @param name the run's name (the legend of its curve in a {@link LossPlot})
 * @param stepLosses the loss of each step, in order
 * @param learningRates the learning rate each step used (aligned with {@code stepLosses})
 * @param epochs one entry per completed epoch
 */
public record History(String name, List<Double> stepLosses, List<Double> learningRates,
    List<Epoch> epochs) {
  /** Copies the lists and checks the per-step lists align. */
  public History {
    stepLosses = List.copyOf(stepLosses);
    learningRates = List.copyOf(learningRates);
    epochs = List.copyOf(epochs);
    if (stepLosses.size() != learningRates.size()) {
      throw new IllegalArgumentException("History: " + stepLosses.size() + " step losses but "
          + learningRates.size() + " learning rates");
    }
  }

  /** The number of steps recorded. */
  public int steps() {
    return stepLosses.size();
  }

  /** The loss of the first step. */
  public double firstLoss() {
    requireSteps("firstLoss");
    return stepLosses.get(0);
  }

  /** The loss of the last step. */
  public double lastLoss() {
    requireSteps("lastLoss");
    return stepLosses.get(stepLosses.size() - 1);
  }

  /** The mean loss of each epoch. */
  public List<Double> epochLosses() {
    List<Double> out = new ArrayList<>(epochs.size());
    for (Epoch e : epochs) {
      out.add(e.meanLoss());
    }
    return Collections.unmodifiableList(out);
  }

  /** The values of evaluation metric {@code metric} per epoch (NaN where an epoch lacks it). */
  public List<Double> metric(String metric) {
    List<Double> out = new ArrayList<>(epochs.size());
    for (Epoch e : epochs) {
      out.add(e.metrics().getOrDefault(metric, Double.NaN));
    }
    return Collections.unmodifiableList(out);
  }

  /** Wall time of all epochs' steps, in seconds. */
  public double totalSeconds() {
    double s = 0;
    for (Epoch e : epochs) {
      s += e.seconds();
    }
    return s;
  }

  /** Optimizer steps per second over all epochs. */
  public double stepsPerSecond() {
    int n = 0;
    for (Epoch e : epochs) {
      n += e.steps();
    }
    return n / totalSeconds();
  }

  /**
   * Writes a PNG of this run's per-step loss and per-epoch mean loss to {@code png} (parent
   * folders created) and returns the path; see {@link LossPlot}.
   */
  public java.nio.file.Path plot(java.nio.file.Path png, String title) {
    return LossPlot.titled(title).add(this).withEpochMeans().save(png);
  }

  private void requireSteps(String op) {
    if (stepLosses.isEmpty()) {
      throw new IllegalStateException("History." + op + ": run '" + name + "' recorded no steps");
    }
  }

  /** Name, step count, first and last loss. */
  @Override
  public String toString() {
    return "History[" + name + ", " + steps() + " steps, " + epochs.size() + " epochs"
        + (stepLosses.isEmpty() ? "" : String.format(Locale.ROOT, ", loss %.4g -> %.4g", firstLoss(),
            lastLoss())) + "]";
  }
}
