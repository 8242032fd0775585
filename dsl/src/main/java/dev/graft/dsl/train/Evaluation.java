package dev.graft.dsl.train;

import dev.graft.dsl.tree.Layer;
import java.util.Map;

/**
 * A measurement the {@link Trainer} takes after each epoch, e.g. validation loss and accuracy;
 * the metrics land in that epoch's {@link Epoch#metrics()}.
 */
@FunctionalInterface
public interface Evaluation {
  /**
   * Named metrics of the model as trained so far, given its tree: {@code model ->
   * Map.of("val", Losses.mse(model.apply(xv), yv).item() * 1.0)}.
   */
  Map<String, Double> evaluate(Layer model);
}
