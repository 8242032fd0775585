package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.dsl.Net;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.optim.AdamW;
import dev.graft.dsl.train.LabeledBatch;
import dev.graft.dsl.train.Losses;
import dev.graft.dsl.train.Trainer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The README's Spark snippet, verbatim between the markers, on small made-up data. */
class ReadmeExampleTest {
  @Test
  void theReadmeSnippetRuns() {
    TestSpark.session();
    Net net = Net.of(Sequential.of(Linear.create(64, 3, Key.of(1)))).freeze().lora(2, 4);
    Trainer trainer = Trainer.builder().optimizer(AdamW.of(1e-2)).progressBar(false).build();
    int[] labels = new int[40];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 3;
    }
    List<LabeledBatch> batches = LabeledBatch.split(Random.normal(Key.of(2), 40, 64), labels, 8);
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rows.add(Random.normal(Key.of(3).foldIn(i), 64).toArray());
    }
    JavaRDD<float[]> images = TestSpark.context().parallelize(rows, 2);
    List<float[]> out;

    // README snippet starts
    SparkSession spark = GraftSpark.session("train");        // local[2], or the spark-submit master
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    SerializableLoss<LabeledBatch> loss = (m, b, key) ->
        Losses.softmaxCrossEntropy(m.apply(b.inputs(), key), b.labels());
    DataParallelResult r = DataParallel.of(trainer).fit(net, Shards.ofLabeled(sc, batches, 2), loss);
    try (BatchScorer scorer = BatchScorer.of(sc, r.net(), new int[] {64}, 256)) {
      JavaRDD<float[]> logits = scorer.score(images);
      // README snippet ends
      out = logits.collect();
    }
    assertEquals(10, out.size());
    assertEquals(3, out.get(0).length);
    assertEquals(5, r.result().history().steps());
  }
}
