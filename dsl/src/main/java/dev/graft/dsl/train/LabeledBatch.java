package dev.graft.dsl.train;

import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A minibatch of inputs with one class index per row, for classification losses: {@code (m, b) ->
 * Losses.softmaxCrossEntropy(m.apply(b.inputs()), b.labels())}.
 *
 * @param inputs the model inputs {@code (n, ...)}
 * @param labels one class index per input row (copied in and out)
 */
public record LabeledBatch(Tensor inputs, int[] labels) {
  /** Checks there is one label per row and copies them. */
  public LabeledBatch {
    if (inputs.ndim() == 0 || inputs.dim(0) != labels.length) {
      throw new IllegalArgumentException("LabeledBatch: " + labels.length + " labels for inputs "
          + Shapes.format(inputs.shape()) + "; need one label per row of axis 0");
    }
    labels = labels.clone();
  }

  /** A copy of the labels. */
  @Override
  public int[] labels() {
    return labels.clone();
  }

  /** The number of samples. */
  public int size() {
    return labels.length;
  }

  /** Consecutive minibatches of {@code batchSize} rows, the last one possibly smaller. */
  public static List<LabeledBatch> split(Tensor inputs, int[] labels, int batchSize) {
    LabeledBatch all = new LabeledBatch(inputs, labels);
    if (batchSize < 1) {
      throw new IllegalArgumentException("LabeledBatch.split: batch size must be >= 1, got "
          + batchSize);
    }
    List<LabeledBatch> out = new ArrayList<>();
    for (int start = 0; start < all.size(); start += batchSize) {
      int stop = Math.min(all.size(), start + batchSize);
      out.add(new LabeledBatch(inputs.slice(0, start, stop),
          Arrays.copyOfRange(labels, start, stop)));
    }
    return Collections.unmodifiableList(out);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof LabeledBatch b && b.inputs.equals(inputs)
        && Arrays.equals(b.labels, labels);
  }

  @Override
  public int hashCode() {
    return inputs.hashCode() * 31 + Arrays.hashCode(labels);
  }

  @Override
  public String toString() {
    return "LabeledBatch[inputs " + Shapes.format(inputs.shape()) + ", " + labels.length
        + " labels]";
  }
}
