package dev.graft.spark;

import dev.graft.dsl.Net;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Batch inference on Spark: the model is broadcast once (adapters merged into plain layers
 * first, so scoring costs what the base costs), and each partition runs it on mini-batches of its
 * rows. Output row {@code i} is the model's output for input row {@code i}, flattened; partitions
 * and their order are kept.
 *
 * <pre>{@code
 * try (BatchScorer scorer = BatchScorer.of(sc, trained, new int[] {1, 8, 8}, 256)) {
 *   JavaRDD<float[]> logits = scorer.score(images);
 * }
 * }</pre>
 */
public final class BatchScorer implements AutoCloseable {
  private final Broadcast<byte[]> model;
  private final long bytes;
  private final int[] rowShape;
  private final int batchSize;

  private BatchScorer(Broadcast<byte[]> model, long bytes, int[] rowShape, int batchSize) {
    this.model = model;
    this.bytes = bytes;
    this.rowShape = rowShape;
    this.batchSize = batchSize;
  }

  /**
   * A scorer of {@code net} for input rows of shape {@code rowShape} (without the batch axis),
   * {@code batchSize} rows per forward pass. A net with active adapters is merged first; a net
   * whose adapters are merged or disabled is used as it is.
   */
  public static BatchScorer of(JavaSparkContext sc, Net net, int[] rowShape, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("BatchScorer: batchSize must be >= 1, got " + batchSize);
    }
    Shapes.size(rowShape);
    for (int d : rowShape) {
      if (d < 1) {
        throw new IllegalArgumentException("BatchScorer: row shape " + Shapes.format(rowShape)
            + " has a dimension < 1");
      }
    }
    Net ready = !net.adapters().isEmpty() && !net.isMerged() && !net.isDisabled()
        ? net.merge() : net;
    byte[] b = Shipping.net(ready.freeze());
    return new BatchScorer(sc.broadcast(b), b.length, rowShape.clone(), batchSize);
  }

  /** The size of the broadcast model in bytes. */
  public long broadcastBytes() {
    return bytes;
  }

  /** The model's outputs for {@code rows}, each a flattened input of the row shape. */
  public JavaRDD<float[]> score(JavaRDD<float[]> rows) {
    Broadcast<byte[]> m = model;
    int[] shape = rowShape;
    int size = batchSize;
    return rows.mapPartitions(it -> run(m, shape, size, it), true);
  }

  /**
   * {@code df} with a column {@code outputCol} ({@code array<float>}) holding the model's output
   * for the {@code array<float>} or {@code array<double>} column {@code inputCol}.
   *
   * @throws IllegalArgumentException when the input column is missing or of another type
   */
  public Dataset<Row> score(Dataset<Row> df, String inputCol, String outputCol) {
    StructType schema = df.schema();
    int idx = schema.getFieldIndex(inputCol).isDefined() ? schema.fieldIndex(inputCol) : -1;
    if (idx < 0) {
      throw new IllegalArgumentException("BatchScorer.score: no column '" + inputCol + "' in "
          + schema.simpleString());
    }
    DataType t = schema.fields()[idx].dataType();
    if (!(t instanceof ArrayType a) || !(a.elementType().equals(DataTypes.FloatType)
        || a.elementType().equals(DataTypes.DoubleType))) {
      throw new IllegalArgumentException("BatchScorer.score: column '" + inputCol + "' is "
          + t.simpleString() + "; expected array<float> or array<double>");
    }
    StructType out = schema.add(outputCol, DataTypes.createArrayType(DataTypes.FloatType, false));
    Broadcast<byte[]> m = model;
    int[] shape = rowShape;
    int size = batchSize;
    JavaRDD<Row> scored = df.javaRDD().mapPartitions(it -> {
      List<Row> in = new ArrayList<>();
      List<float[]> xs = new ArrayList<>();
      while (it.hasNext()) {
        Row r = it.next();
        in.add(r);
        xs.add(floats(r, idx, inputCol));
      }
      Iterator<float[]> ys = run(m, shape, size, xs.iterator());
      List<Row> result = new ArrayList<>(in.size());
      for (Row r : in) {
        Object[] values = new Object[r.length() + 1];
        for (int i = 0; i < r.length(); i++) {
          values[i] = r.get(i);
        }
        values[r.length()] = ys.next();
        result.add(RowFactory.create(values));
      }
      return result.iterator();
    }, true);
    return df.sparkSession().createDataFrame(scored, out);
  }

  private static float[] floats(Row r, int idx, String col) {
    if (r.isNullAt(idx)) {
      throw new IllegalArgumentException("BatchScorer.score: column '" + col + "' is null in row "
          + r);
    }
    List<Object> list = r.getList(idx);
    float[] x = new float[list.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = ((Number) list.get(i)).floatValue();
    }
    return x;
  }

  /** Scores one partition's rows in mini-batches. */
  static Iterator<float[]> run(Broadcast<byte[]> model, int[] rowShape, int batchSize,
      Iterator<float[]> rows) {
    Net net = ExecutorCache.net(model);
    int width = Shapes.size(rowShape);
    int[] shape = new int[rowShape.length + 1];
    System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
    List<float[]> out = new ArrayList<>();
    List<float[]> buf = new ArrayList<>(batchSize);
    long seen = 0;
    while (rows.hasNext()) {
      float[] x = rows.next();
      if (x.length != width) {
        throw new IllegalArgumentException("BatchScorer: input row " + seen + " of the partition"
            + " has " + x.length + " values; the row shape " + Shapes.format(rowShape)
            + " needs " + width);
      }
      seen++;
      buf.add(x);
      if (buf.size() == batchSize) {
        forward(net, buf, shape, width, out);
      }
    }
    if (!buf.isEmpty()) {
      forward(net, buf, shape, width, out);
    }
    return out.iterator();
  }

  private static void forward(Net net, List<float[]> buf, int[] shape, int width,
      List<float[]> out) {
    int n = buf.size();
    float[] data = new float[n * width];
    for (int i = 0; i < n; i++) {
      System.arraycopy(buf.get(i), 0, data, i * width, width);
    }
    shape[0] = n;
    Tensor y = net.apply(Tensor.adopt(data, shape));
    if (y.ndim() == 0 || y.dim(0) != n) {
      throw new IllegalStateException("BatchScorer: the model mapped " + n + " rows to shape "
          + Shapes.format(y.shape()) + "; it must keep the batch axis");
    }
    float[] all = y.toArray();
    int per = all.length / n;
    for (int i = 0; i < n; i++) {
      float[] r = new float[per];
      System.arraycopy(all, i * per, r, 0, per);
      out.add(r);
    }
    buf.clear();
  }

  /** Releases the broadcast model on the driver and the executors. */
  @Override
  public void close() {
    model.destroy();
  }
}
