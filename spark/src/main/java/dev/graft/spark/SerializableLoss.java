package dev.graft.spark;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.train.TrainLoss;
import dev.graft.runtime.Tensor;
import java.io.Serializable;

/**
 * A {@link TrainLoss} Spark can ship to its executors: a lambda assigned to this type is
 * serializable. Because it is a {@code TrainLoss}, the very same object trains in one process
 * ({@code Trainer.fit}) and on Spark ({@link DataParallel#fit}).
 *
 * <pre>{@code
 * SerializableLoss<LabeledBatch> loss = (m, b, key) ->
 *     Losses.softmaxCrossEntropy(m.apply(b.inputs(), key), b.labels());
 * }</pre>
 *
 * @param <B> the batch type
 */
@FunctionalInterface
public interface SerializableLoss<B> extends TrainLoss<B>, Serializable {
  /** A loss that ignores the key (a deterministic forward pass). */
  static <B> SerializableLoss<B> of(Deterministic<B> loss) {
    return (model, batch, key) -> loss.apply(model, batch);
  }

  /**
   * A serializable {@code (model, batch) -> scalar} loss.
   *
   * @param <B> the batch type
   */
  @FunctionalInterface
  interface Deterministic<B> extends Serializable {
    /** The scalar loss of {@code model} on {@code batch}. */
    Tensor apply(Layer model, B batch);
  }
}
