package dev.graft.spark;

import dev.graft.dsl.train.Batch;
import dev.graft.dsl.train.LabeledBatch;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.KryoSerializer;

/**
 * The data of a {@link DataParallel} run: an RDD whose partition {@code p} holds, in order, its
 * shard of every global batch. Built from global batches on the driver ({@link #of}, which also
 * gives the single-process run the very same batches) or from rows already in Spark ({@link
 * #fromRows}).
 */
public final class Shards {
  private Shards() {}

  /**
   * How one global batch is cut into {@code parts} shards whose rows, concatenated in order, are
   * the batch's rows.
   *
   * @param <B> the batch type
   */
  @FunctionalInterface
  public interface Splitter<B> extends Serializable {
    /** The {@code parts} shards of {@code batch}, in order. */
    List<B> split(B batch, int parts);
  }

  /**
   * Builds a shard from consecutive rows.
   *
   * @param <T> the row type
   * @param <B> the shard type
   */
  @FunctionalInterface
  public interface Collate<T, B> extends Serializable {
    /** The shard holding {@code rows}, in order. */
    B collate(List<T> rows);
  }

  /** Contiguous row ranges of a {@link Batch}, as even as can be. */
  public static Splitter<Batch> batchRows() {
    return (b, parts) -> {
      List<Batch> out = new ArrayList<>(parts);
      for (int p = 0; p < parts; p++) {
        int[] r = range(b.size(), p, parts);
        out.add(new Batch(b.inputs().slice(0, r[0], r[1]), b.targets().slice(0, r[0], r[1])));
      }
      return out;
    };
  }

  /** Contiguous row ranges of a {@link LabeledBatch}, as even as can be. */
  public static Splitter<LabeledBatch> labeledRows() {
    return (b, parts) -> {
      int[] labels = b.labels();
      List<LabeledBatch> out = new ArrayList<>(parts);
      for (int p = 0; p < parts; p++) {
        int[] r = range(b.size(), p, parts);
        out.add(new LabeledBatch(b.inputs().slice(0, r[0], r[1]),
            Arrays.copyOfRange(labels, r[0], r[1])));
      }
      return out;
    };
  }

  /** Rows {@code [p·n/parts, (p+1)·n/parts)}. */
  static int[] range(int n, int p, int parts) {
    if (n < parts) {
      throw new IllegalArgumentException("Shards: a global batch of " + n + " rows cannot give "
          + parts + " partitions a row each; use larger batches or fewer partitions");
    }
    return new int[] {(int) ((long) p * n / parts), (int) ((long) (p + 1) * n / parts)};
  }

  /** {@link #of(JavaSparkContext, List, int, Splitter)} for {@link Batch}es. */
  public static JavaRDD<Batch> ofBatches(JavaSparkContext sc, List<Batch> batches,
      int partitions) {
    return of(sc, batches, partitions, batchRows());
  }

  /** {@link #of(JavaSparkContext, List, int, Splitter)} for {@link LabeledBatch}es. */
  public static JavaRDD<LabeledBatch> ofLabeled(JavaSparkContext sc, List<LabeledBatch> batches,
      int partitions) {
    return of(sc, batches, partitions, labeledRows());
  }

  /**
   * Every global batch cut into {@code partitions} shards; partition {@code p} holds the {@code
   * p}-th shard of each batch, in batch order. Shards that are not {@link Serializable} (Graft's
   * batches) need the Kryo set-up of {@link GraftSpark#configure}.
   *
   * @throws IllegalArgumentException when a batch has fewer rows than partitions
   * @throws IllegalStateException when the shards cannot be serialized with the context's set-up
   */
  public static <B> JavaRDD<B> of(JavaSparkContext sc, List<B> batches, int partitions,
      Splitter<B> splitter) {
    if (partitions < 1) {
      throw new IllegalArgumentException("Shards.of: partitions must be >= 1, got " + partitions);
    }
    if (batches.isEmpty()) {
      throw new IllegalArgumentException("Shards.of: no batches");
    }
    List<List<B>> byPartition = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      byPartition.add(new ArrayList<>(batches.size()));
    }
    for (int k = 0; k < batches.size(); k++) {
      List<B> parts;
      try {
        parts = splitter.split(batches.get(k), partitions);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Shards.of: batch " + k + ": " + e.getMessage(), e);
      }
      if (parts.size() != partitions) {
        throw new IllegalArgumentException("Shards.of: the splitter cut batch " + k + " into "
            + parts.size() + " shards, expected " + partitions);
      }
      for (int p = 0; p < partitions; p++) {
        byPartition.get(p).add(parts.get(p));
      }
    }
    requireShippable(sc, batches.get(0));
    List<B> flat = new ArrayList<>(partitions * batches.size());
    for (List<B> l : byPartition) {
      flat.addAll(l);
    }
    // parallelize cuts a list of partitions × k elements into slices of exactly k, in order.
    return sc.parallelize(flat, partitions);
  }

  /**
   * Shards of {@code rowsPerShard} consecutive rows of each partition of {@code rows}, built by
   * {@code collate}; a partition's last rows that do not fill a shard are left out. Global batch
   * {@code k} is then the {@code k}-th shard of every partition; repartition {@code rows} evenly
   * first so the partitions hold as many shards each ({@link DataParallel} takes as many steps as
   * the smallest partition has shards).
   */
  public static <T, B> JavaRDD<B> fromRows(JavaRDD<T> rows, int rowsPerShard,
      Collate<T, B> collate) {
    if (rowsPerShard < 1) {
      throw new IllegalArgumentException("Shards.fromRows: rowsPerShard must be >= 1, got "
          + rowsPerShard);
    }
    return rows.mapPartitions(it -> group(it, rowsPerShard, collate), true);
  }

  private static <T, B> Iterator<B> group(Iterator<T> it, int size, Collate<T, B> collate) {
    List<B> out = new ArrayList<>();
    List<T> buf = new ArrayList<>(size);
    while (it.hasNext()) {
      buf.add(it.next());
      if (buf.size() == size) {
        out.add(collate.collate(List.copyOf(buf)));
        buf.clear();
      }
    }
    return out.iterator();
  }

  private static void requireShippable(JavaSparkContext sc, Object sample) {
    if (sample instanceof Serializable) {
      return;
    }
    String serializer = sc.getConf().get("spark.serializer", "");
    String registrators = sc.getConf().get("spark.kryo.registrator", "");
    boolean graft = sample instanceof Batch || sample instanceof LabeledBatch;
    if (!serializer.equals(KryoSerializer.class.getName())
        || (graft && !registrators.contains(GraftKryoRegistrator.class.getName()))) {
      throw new IllegalStateException("Shards.of: a " + sample.getClass().getName()
          + " is not Serializable and this Spark context does not use Kryo with "
          + GraftKryoRegistrator.class.getSimpleName() + " (spark.serializer '" + serializer
          + "', spark.kryo.registrator '" + registrators + "'); build the session with"
          + " GraftSpark.local/session or pass the SparkConf through GraftSpark.configure");
    }
  }
}
