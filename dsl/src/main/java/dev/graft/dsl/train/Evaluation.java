package dev.graft.dsl.train;

import dev.graft.dsl.Net;
import java.util.Map;

/**
 * A measurement the {@link Trainer} takes after each epoch, e.g. validation loss and accuracy;
 * the metrics land in that epoch's {@link Epoch#metrics()}.
 */
@FunctionalInterface
public interface Evaluation {
  /** Named metrics of {@code net} as trained so far. */
  Map<String, Double> evaluate(Net net);
}
