package dev.graft.dsl.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What happened in one training epoch.
 *
 * @param index the epoch's number, from 0
 * @param steps the optimizer steps taken
 * @param samples the samples seen, when the batch type tells its size ({@link Batch}, {@link
 *     LabeledBatch}, a {@code Tensor} or a {@code Collection}); 0 when unknown
 * @param meanLoss the mean of the step losses
 * @param seconds wall time of the steps (the evaluation not included)
 * @param metrics the {@link Evaluation}'s results after the epoch (empty without one)
 */
public record Epoch(int index, int steps, long samples, double meanLoss, double seconds,
    Map<String, Double> metrics) {
  /** Copies the metrics, keeping their order. */
  public Epoch {
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /** Optimizer steps per second of wall time. */
  public double stepsPerSecond() {
    return steps / seconds;
  }

  /** Samples per second of wall time; NaN when the sample count is unknown. */
  public double samplesPerSecond() {
    return samples == 0 ? Double.NaN : samples / seconds;
  }
}
