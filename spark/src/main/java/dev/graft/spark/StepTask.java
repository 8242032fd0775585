package dev.graft.spark;

import dev.graft.dsl.Net;
import dev.graft.dsl.train.Gradients;
import dev.graft.dsl.train.LossAndGrads;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.jspecify.annotations.Nullable;

/**
 * One step's work on one partition: take the partition's shard of this step's global batch, put
 * the broadcast trainable leaves into the broadcast base, and return the shard's loss and
 * gradients times its weight. Captures only broadcast handles, numbers and the loss, so the task
 * closure stays small.
 *
 * @param <B> the shard type
 */
final class StepTask<B> implements Function2<Integer, Iterator<B>, Iterator<GradSum>> {
  private static final long serialVersionUID = 1L;

  private final Broadcast<byte[]> base;
  private final Broadcast<byte[]> leaves;
  private final int local;
  private final long seed;
  private final long step;
  private final int partitions;
  private final SerializableLoss<B> loss;
  private final @Nullable RowCount<B> rows;

  StepTask(Broadcast<byte[]> base, Broadcast<byte[]> leaves, int local, long seed, long step,
      int partitions, SerializableLoss<B> loss, @Nullable RowCount<B> rows) {
    this.base = base;
    this.leaves = leaves;
    this.local = local;
    this.seed = seed;
    this.step = step;
    this.partitions = partitions;
    this.loss = loss;
    this.rows = rows;
  }

  /** The key of partition {@code p} at step {@code step}: the trainer's step key, then p. */
  static Key key(long seed, long step, int p, int partitions) {
    Key k = Key.of(seed).foldIn((int) step);
    return partitions == 1 ? k : k.foldIn(p);
  }

  @Override
  public Iterator<GradSum> call(Integer p, Iterator<B> it) {
    B shard = null;
    for (int k = 0; k <= local; k++) {
      if (!it.hasNext()) {
        throw new IllegalStateException("DataParallel: partition " + p + " holds " + k
            + " shards; step " + step + " needs shard " + local);
      }
      shard = it.next();
    }
    B b = shard;
    Net net = Shipping.withLeaves(ExecutorCache.net(base), leaves.value());
    Key key = key(seed, step, p, partitions);
    LossAndGrads lg = Gradients.valueAndGrad(net, m -> loss.apply(m, b, key));
    double w = rows == null ? 1 : rows.rows(b);
    if (!(w > 0)) {
      throw new IllegalStateException("DataParallel: partition " + p + " has a shard of " + w
          + " rows at step " + step + "; every partition needs rows in every global batch");
    }
    List<Tensor> gs = List.copyOf(lg.grads().values());
    float[][] g = new float[gs.size()][];
    float fw = (float) w;
    for (int k = 0; k < g.length; k++) {
      float[] a = gs.get(k).toArray();
      if (fw != 1f) {
        for (int i = 0; i < a.length; i++) {
          a[i] *= fw;
        }
      }
      g[k] = a;
    }
    return List.of(GradSum.of(g, w * lg.item(), w)).iterator();
  }
}
