package dev.graft.spark;

import dev.graft.dsl.train.Batch;
import dev.graft.dsl.train.LabeledBatch;
import dev.graft.runtime.Tensor;
import java.io.Serializable;
import java.util.Collection;

/**
 * The number of rows in a shard: the weight of its gradient when the loss is a mean over rows, so
 * that the weighted mean of the shards' gradients is the gradient of the whole global batch.
 *
 * @param <B> the batch type
 */
@FunctionalInterface
public interface RowCount<B> extends Serializable {
  /** The rows of {@code shard}. */
  int rows(B shard);

  /**
   * Rows of the batch types Graft knows: {@link Batch}, {@link LabeledBatch}, a {@link Tensor}
   * (its axis 0) or a {@link Collection}; any other type fails, naming it.
   */
  static <B> RowCount<B> standard() {
    return shard -> {
      if (shard instanceof Batch b) {
        return b.size();
      }
      if (shard instanceof LabeledBatch b) {
        return b.size();
      }
      if (shard instanceof Tensor t) {
        return t.ndim() == 0 ? 1 : t.dim(0);
      }
      if (shard instanceof Collection<?> c) {
        return c.size();
      }
      throw new IllegalArgumentException("RowCount.standard: cannot count the rows of a "
          + shard.getClass().getName() + "; pass a RowCount to DataParallel.rowCount(...)"
          + " or use DataParallel.sumLoss() for a loss that sums over rows");
    };
  }
}
