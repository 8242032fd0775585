package dev.graft.dsl.train;

import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A minibatch of inputs and targets that agree on axis 0 (the batch axis), for regression-style
 * losses: {@code (m, b) -> Losses.mse(m.apply(b.inputs()), b.targets())}.
 *
 * @param inputs the model inputs {@code (n, ...)}
 * @param targets the targets {@code (n, ...)}
 */
public record Batch(Tensor inputs, Tensor targets) {
  /** Checks both have a batch axis of the same size. */
  public Batch {
    if (inputs.ndim() == 0 || targets.ndim() == 0 || inputs.dim(0) != targets.dim(0)) {
      throw new IllegalArgumentException("Batch: inputs " + Shapes.format(inputs.shape())
          + " and targets " + Shapes.format(targets.shape())
          + " must have a batch axis 0 of the same size");
    }
  }

  /** The number of samples. */
  public int size() {
    return inputs.dim(0);
  }

  /**
   * Consecutive minibatches of {@code batchSize} rows (the last one smaller when {@code
   * batchSize} does not divide the row count), in order.
   */
  public static List<Batch> split(Tensor inputs, Tensor targets, int batchSize) {
    Batch all = new Batch(inputs, targets);
    if (batchSize < 1) {
      throw new IllegalArgumentException("Batch.split: batch size must be >= 1, got " + batchSize);
    }
    List<Batch> out = new ArrayList<>();
    for (int start = 0; start < all.size(); start += batchSize) {
      int stop = Math.min(all.size(), start + batchSize);
      out.add(new Batch(inputs.slice(0, start, stop), targets.slice(0, start, stop)));
    }
    return Collections.unmodifiableList(out);
  }
}
