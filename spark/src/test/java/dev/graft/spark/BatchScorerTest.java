package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import dev.graft.dsl.optim.AdamW;
import dev.graft.dsl.train.Batch;
import dev.graft.dsl.train.Trainer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Batch inference on an embedded {@code local[2]} Spark against the model in this process. */
class BatchScorerTest {
  private static SparkSession spark;
  private static JavaSparkContext sc;
  private static Net trained;
  private static Tensor x;

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
    sc = TestSpark.context();
    List<Batch> batches = Models.batches(1, 4, 16);
    trained = Trainer.builder().optimizer(AdamW.of(1e-2)).epochs(3).progressBar(false).build()
        .fit(Models.lora(2), batches, DataParallelTest.MSE).net();
    x = Random.normal(Key.of(3), 37, Models.IN);
  }

  private static List<float[]> rows(Tensor t) {
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < t.dim(0); i++) {
      out.add(t.slice(0, i, i + 1).toArray());
    }
    return out;
  }

  /** Row outputs agree with the in-process forward up to float32 rounding of another batching. */
  private static void assertClose(float[] want, float[] got) {
    assertEquals(want.length, got.length);
    for (int j = 0; j < want.length; j++) {
      assertEquals(want[j], got[j], 1e-5f * Math.max(1f, Math.abs(want[j])));
    }
  }

  @Test
  void rddRowsGetTheMergedModelsOutputsInOrder() {
    List<float[]> want = rows(trained.apply(x));
    try (BatchScorer scorer = BatchScorer.of(sc, trained, new int[] {Models.IN}, 8)) {
      List<float[]> got = scorer.score(sc.parallelize(rows(x), 3)).collect();
      assertEquals(want.size(), got.size());
      for (int i = 0; i < want.size(); i++) {
        assertClose(want.get(i), got.get(i));
      }
      // Merged: a plain MLP is shipped, the size of the base, not base plus adapters.
      long base = 4L * trained.merge().totalCount();
      assertTrue(scorer.broadcastBytes() < base + 2_000, scorer.broadcastBytes() + " vs " + base);
    }
  }

  @Test
  void dataFramesGetAnOutputColumn() {
    StructType schema = new StructType().add("id", DataTypes.IntegerType)
        .add("features", DataTypes.createArrayType(DataTypes.FloatType));
    List<Row> in = new ArrayList<>();
    List<float[]> xs = rows(x);
    for (int i = 0; i < xs.size(); i++) {
      Float[] boxed = new Float[Models.IN];
      for (int j = 0; j < boxed.length; j++) {
        boxed[j] = xs.get(i)[j];
      }
      in.add(RowFactory.create(i, boxed));
    }
    Dataset<Row> df = spark.createDataFrame(in, schema).repartition(2);
    List<float[]> want = rows(trained.apply(x));
    try (BatchScorer scorer = BatchScorer.of(sc, trained, new int[] {Models.IN}, 5)) {
      List<Row> out = scorer.score(df, "features", "scores").collectAsList();
      assertEquals(want.size(), out.size());
      for (Row r : out) {
        List<Float> s = r.getList(2);
        float[] got = new float[s.size()];
        for (int j = 0; j < got.length; j++) {
          got[j] = s.get(j);
        }
        assertClose(want.get(r.getInt(0)), got);
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> scorer.score(df, "id", "scores"));
      assertTrue(e.getMessage().contains("'id'"), e.getMessage());
    }
  }

  @Test
  void rowsOfTheWrongWidthFailNamingTheShape() {
    try (BatchScorer scorer = BatchScorer.of(sc, trained, new int[] {Models.IN}, 4)) {
      SparkException e = assertThrows(SparkException.class,
          () -> scorer.score(sc.parallelize(List.of(new float[3]), 1)).collect());
      assertTrue(String.valueOf(e.getMessage()).contains("has 3 values"), e.getMessage());
    }
  }
}
