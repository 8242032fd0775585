package dev.graft.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import dev.graft.dsl.optim.AdamW;
import dev.graft.dsl.optim.Schedule;
import dev.graft.dsl.optim.Sgd;
import dev.graft.dsl.train.Batch;
import dev.graft.dsl.train.Losses;
import dev.graft.dsl.train.TrainResult;
import dev.graft.dsl.train.Trainer;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data-parallel training on an embedded {@code local[2]} Spark against single-process {@code
 * Trainer.fit} on the same global batches.
 *
 * <p>Tolerance {@value #TOLERANCE} on every adapter entry after the run. Both runs compute the
 * float32 gradient of the same global batch, but sum its rows in another grouping (per shard,
 * then across shards; each shard's mean scaled by its row count, the sum divided by the total),
 * so a gradient entry differs by a few float32 roundings, a relative 1e-7 or so. The adapter
 * entries are below 1, where a float32 ulp is at most 6e-8, and each step moves them by at most
 * the learning rate (1e-2 to 5e-2 here) times that relative error: the runs drift apart by a few
 * ulps over the run. Measured: 3.0e-8 for LoRA on 2 and 4 partitions (12 AdamW steps, the
 * adapters moving 0.07) and 7.5e-9 for DoRA (12 SGD steps); the bound leaves a 30x margin while
 * staying 1e5 times below how far the adapters move.
 */
class DataParallelTest {
  /** Largest allowed |spark − single| over every adapter entry, after the whole run. */
  static final double TOLERANCE = 1e-6;

  private static SparkSession spark;
  private static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
    sc = TestSpark.context();
  }

  static final SerializableLoss<Batch> MSE = (m, b, key) ->
      Losses.mse(m.apply(b.inputs(), key), b.targets());

  private static Trainer adamTrainer(int steps) {
    return Trainer.builder().optimizer(AdamW.of(1e-2)).epochs(2).seed(11).shuffle(true)
        .schedule(Schedule.warmupCosine(1e-2, 3, steps)).clipNorm(0.5).progressBar(false)
        .build();
  }

  static double maxAdapterDiff(Net a, Net b) {
    Map<Path, Tensor> x = Tree.leavesByPath(a.module());
    Map<Path, Tensor> y = Tree.leavesByPath(b.module());
    double max = 0;
    for (Path p : a.trainablePaths()) {
      max = Math.max(max, x.get(p).maxAbsDiff(y.get(p)));
    }
    return max;
  }

  static double maxAdapterChange(Net before, Net after) {
    return maxAdapterDiff(before, after);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 4})
  void loraMatchesSingleProcessFit(int partitions) {
    Net net = Models.lora(1);
    List<Batch> batches = Models.batches(2, 6, 24);
    Trainer trainer = adamTrainer(12);
    TrainResult<Net> single = trainer.fit(net, batches, MSE);
    DataParallelResult dist = DataParallel.of(trainer)
        .fit(net, Shards.ofBatches(sc, batches, partitions), MSE);

    double diff = maxAdapterDiff(single.net(), dist.net());
    assertTrue(maxAdapterChange(net, single.net()) > 100 * TOLERANCE, "the run must move");
    assertTrue(diff <= TOLERANCE, "max |spark - single| = " + diff);
    // Frozen leaves are untouched: the very same values.
    assertTrue(Tree.equals(net.disableAdapters().module(), dist.net().disableAdapters().module()));
    List<Double> a = single.history().stepLosses();
    List<Double> b = dist.result().history().stepLosses();
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i), b.get(i), 1e-5 * Math.max(1, Math.abs(a.get(i))), "step " + i);
    }
    assertEquals(single.state().step(), dist.result().state().step());
    assertEquals(12, dist.result().history().steps());
  }

  @Test
  void doraWithSgdMomentumMatchesSingleProcessFit() {
    Net net = Models.dora(3);
    List<Batch> batches = Models.batches(4, 4, 30);
    Trainer trainer = Trainer.builder().optimizer(Sgd.of(5e-2).withMomentum(0.9)).epochs(3)
        .seed(5).progressBar(false).build();
    TrainResult<Net> single = trainer.fit(net, batches, MSE);
    DataParallelResult dist = DataParallel.of(trainer)
        .fit(net, Shards.ofBatches(sc, batches, 3), MSE);
    double diff = maxAdapterDiff(single.net(), dist.net());
    assertTrue(maxAdapterChange(net, single.net()) > 100 * TOLERANCE, "the run must move");
    assertTrue(diff <= TOLERANCE, "max |spark - single| = " + diff);
  }

  @Test
  void onePartitionWithDropoutUsesTheTrainersKeys() {
    Net net = Models.lora(6, 0.3);
    List<Batch> batches = Models.batches(7, 3, 16);
    Trainer trainer = Trainer.builder().optimizer(AdamW.of(1e-2)).epochs(2).seed(9)
        .progressBar(false).build();
    TrainResult<Net> single = trainer.fit(net, batches, MSE);
    DataParallelResult one = DataParallel.of(trainer)
        .fit(net, Shards.ofBatches(sc, batches, 1), MSE);
    assertTrue(maxAdapterDiff(single.net(), one.net()) <= TOLERANCE);

    // With two partitions each shard draws its own mask: reproducible, not the same as above.
    DataParallelResult two = DataParallel.of(trainer)
        .fit(net, Shards.ofBatches(sc, batches, 2), MSE);
    DataParallelResult again = DataParallel.of(trainer)
        .fit(net, Shards.ofBatches(sc, batches, 2), MSE);
    assertEquals(0.0, maxAdapterDiff(two.net(), again.net()));
    assertTrue(maxAdapterDiff(single.net(), two.net()) > TOLERANCE);
  }

  @Test
  void stepTrafficIsAdapterSizedNotModelSized() {
    Net net = Models.wideLora(8);
    List<Batch> batches = Models.batches(9, 3, 16);
    int parts = 2;
    Trainer trainer = Trainer.builder().optimizer(AdamW.of(1e-3)).progressBar(false).build();
    JavaRDD<Batch> shards = Shards.ofBatches(sc, batches, parts);
    shards.cache().count();
    DataParallelResult r;
    TaskTraffic.Totals measured;
    try (TaskTraffic listener = TaskTraffic.attach(sc)) {
      r = DataParallel.of(trainer).fit(net, shards, MSE);
      // One counting job, then one job of `parts` tasks per step; the count's results (a few
    // bytes plus envelope) are included in the per-step figure, which makes it an upper bound.
      measured = listener.await(parts * (1 + batches.size()), Duration.ofSeconds(30));
    }
    Traffic t = r.traffic();
    long trainable = net.trainableCount();
    long leaves = net.trainablePaths().size();
    assertEquals(3, t.steps());
    assertEquals(trainable, t.trainableParameters());
    // Each partition returns 4 bytes per trainable parameter, 4 per leaf (its length), 24 of
    // header (weight, loss, shard and leaf counts).
    assertEquals(parts * (24 + 4 * leaves + 4 * trainable), t.gradientBytesPerStep());
    assertTrue(t.adapterBytesPerStep() >= 4 * trainable);
    assertTrue(t.adapterBytesPerStep() < 4 * trainable + 100 * leaves);
    assertTrue(t.baseBytes() >= 4 * net.totalCount());
    assertEquals(t.adapterBytesPerStep() + t.gradientBytesPerStep() / parts,
        t.bytesPerWorkerPerStep());
    // Spark's own count: the task results of a step, envelope included, stay adapter-sized.
    assertEquals(0, measured.shuffleBytesWritten());
    long perStep = measured.resultBytes() / batches.size();
    assertTrue(perStep >= t.gradientBytesPerStep() / 2, measured.toString());
    assertTrue(perStep < t.gradientBytesPerStep() + parts * 16_384L, measured + " " + t);
    // The net (75k parameters) is 18x its adapters; each worker sends less than a tenth of it.
    assertTrue(perStep / parts * 10 < t.baseBytes(), "per step and worker " + perStep / parts
        + " bytes vs the net's " + t.baseBytes());
  }

  @Test
  void rowsAlreadyInSparkBecomeShards() {
    List<Batch> rows = Models.batches(10, 40, 1);
    JavaRDD<Batch> shards = Shards.fromRows(sc.parallelize(rows, 2), 5,
        list -> new Batch(Tensor.concat(list.stream().map(Batch::inputs).toList(), 0),
            Tensor.concat(list.stream().map(Batch::targets).toList(), 0)));
    assertEquals(List.of(4, 4), shards.glom().map(List::size).collect());
    Trainer trainer = Trainer.builder().optimizer(AdamW.of(1e-3)).progressBar(false)
        .evaluation(model -> Map.of("params", (double) Net.of(model).totalCount())).build();
    DataParallelResult r = DataParallel.of(trainer).fit(Models.lora(1), shards, MSE);
    assertEquals(4, r.result().history().steps());
    assertEquals(40, r.result().history().epochs().get(0).samples());
    // The trainer's evaluation runs on the driver after each epoch, as in Trainer.fit.
    assertEquals(List.of((double) Models.lora(1).totalCount()),
        r.result().history().metric("params"));
  }

  @Test
  void badInputFailsClearly() {
    List<Batch> batches = Models.batches(2, 2, 3);
    IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
        () -> Shards.ofBatches(sc, batches, 4));
    assertTrue(small.getMessage().contains("batch 0") && small.getMessage().contains("3 rows"),
        small.getMessage());
    Trainer trainer = Trainer.builder().optimizer(AdamW.of(1e-3)).progressBar(false).build();
    IllegalStateException frozen = assertThrows(IllegalStateException.class,
        () -> DataParallel.of(trainer).fit(Models.base(1), Shards.ofBatches(sc, batches, 2),
            MSE));
    assertTrue(frozen.getMessage().contains("no trainable leaves"), frozen.getMessage());
    IllegalStateException diverged = assertThrows(IllegalStateException.class,
        () -> DataParallel.of(trainer).fit(Models.lora(1), Shards.ofBatches(sc, batches, 2),
            (m, b, key) -> Tensor.scalar(Float.NaN).plus(m.apply(b.inputs()).sum().times(0f))));
    assertTrue(diverged.getMessage().contains("step 0"), diverged.getMessage());
  }
}
