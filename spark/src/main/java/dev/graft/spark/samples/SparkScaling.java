package dev.graft.spark.samples;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.optim.AdamW;
import dev.graft.dsl.train.Batch;
import dev.graft.dsl.train.Losses;
import dev.graft.dsl.train.TrainResult;
import dev.graft.dsl.train.Trainer;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import dev.graft.spark.DataParallel;
import dev.graft.spark.DataParallelResult;
import dev.graft.spark.GraftSpark;
import dev.graft.spark.SerializableLoss;
import dev.graft.spark.Shards;
import dev.graft.spark.TaskTraffic;
import dev.graft.spark.Traffic;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.jspecify.annotations.Nullable;

/**
 * The figures of {@code docs/SCALING.md}: a stand-in with MiniLM's shapes and MiniLM's adapter
 * (six blocks of 384-wide query and value projections with LoRA rank 8 on them — 73,728
 * trainable parameters, the same as LoRA r=8 on MiniLM's query/value — and a frozen 384→1536→384
 * feed-forward part), trained for a few steps in this process and data-parallel on Spark. Prints
 * one table row per run: step time, bytes per step (counted and as Spark reports its task
 * results) and the base broadcast once.
 *
 * <p>{@code mvn -B -q -pl spark -am test-compile exec:exec
 * -Dspark.sample.main=dev.graft.spark.samples.SparkScaling -Dspark.sample.args="steps=8"}
 */
public final class SparkScaling {
  static final int WIDTH = 384;
  static final int FFN = 1536;
  static final int BLOCKS = 6;
  static final SerializableLoss<Batch> MSE = (m, b, key) ->
      Losses.mse(m.apply(b.inputs(), key), b.targets());

  private SparkScaling() {}

  /**
   * One block: query and value projections (which get LoRA) summed, then the feed-forward part.
   *
   * @param query the query projection
   * @param value the value projection
   * @param up the feed-forward expansion
   * @param down the feed-forward projection back
   */
  public record Block(Layer query, Layer value, Layer up, Layer down) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return apply(x, null);
    }

    @Override
    public Tensor apply(Tensor x, @Nullable Key key) {
      Tensor h = query.apply(x, key).plus(value.apply(x, key)).times(0.5f);
      return x.plus(down.apply(up.apply(h, key).relu(), key).times(0.1f));
    }
  }

  /** The stand-in: {@link #BLOCKS} blocks, frozen, LoRA r=8 (alpha 16) on query and value. */
  static Net model(long seed) {
    Key[] k = Key.of(seed).split(4 * BLOCKS);
    List<Layer> blocks = new ArrayList<>();
    for (int b = 0; b < BLOCKS; b++) {
      blocks.add(new Block(Linear.create(WIDTH, WIDTH, k[4 * b]),
          Linear.create(WIDTH, WIDTH, k[4 * b + 1]), Linear.create(WIDTH, FFN, k[4 * b + 2]),
          Linear.create(FFN, WIDTH, k[4 * b + 3])));
    }
    return Net.of(new Sequential(blocks)).freeze()
        .lora(LoraSpec.modules(8, 16, "query", "value"));
  }

  /**
   * Runs the measurement: {@code key=value} arguments steps (8), rows (256), partitions (a
   * comma-separated list, 1,2), seed (1). One process is timed before and after the Spark runs,
   * which shows how noisy the machine is.
   */
  public static void main(String[] args) {
    int steps = 8;
    int rows = 256;
    int[] partitions = {1, 2};
    long seed = 1;
    for (String a : args) {
      String[] kv = a.split("=", 2);
      switch (kv[0]) {
        case "steps" -> steps = Integer.parseInt(kv[1]);
        case "rows" -> rows = Integer.parseInt(kv[1]);
        case "partitions" -> partitions = java.util.Arrays.stream(kv[1].split(","))
            .mapToInt(Integer::parseInt).toArray();
        case "seed" -> seed = Long.parseLong(kv[1]);
        default -> throw new IllegalArgumentException("SparkScaling: unknown argument '" + a
            + "'; keys: steps, rows, partitions, seed");
      }
    }
    SparkSession spark = GraftSpark.session("graft-spark-scaling");
    try {
      run(spark, steps, rows, partitions, seed, System.out);
    } finally {
      spark.stop();
    }
  }

  private static TrainResult<Net> timeSingle(Trainer trainer, Net net, List<Batch> batches,
      int steps, double flopsPerStep, PrintStream out) {
    long t0 = System.nanoTime();
    TrainResult<Net> single = trainer.fit(net, batches, MSE);
    double step = (System.nanoTime() - t0) / 1e9 / steps;
    out.printf(Locale.ROOT, "| one process | %.3f s | %.1f GFLOP/s | - | - | - | - |%n", step,
        flopsPerStep / step / 1e9);
    return single;
  }

  static void run(SparkSession spark, int steps, int rows, int[] partitions, long seed,
      PrintStream out) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Net net = model(seed);
    Key[] k = Key.of(seed + 1).split(2);
    // One warm-up batch first (JIT, kernel selection), then the measured ones.
    Tensor x = Random.normal(k[0], (steps + 1) * rows, WIDTH);
    Tensor y = Random.normal(k[1], (steps + 1) * rows, WIDTH).times(0.1f);
    List<Batch> all = Batch.split(x, y, rows);
    List<Batch> warm = all.subList(0, 1);
    List<Batch> batches = all.subList(1, all.size());
    Trainer trainer = Trainer.builder().optimizer(AdamW.of(1e-3)).progressBar(false).build();
    double flopsPerStep = 4.0 * (net.totalCount() - net.trainableCount()) * rows;
    out.printf(Locale.ROOT, "stand-in: %s; %d rows per global batch, %d steps, Spark %s %s%n",
        net, rows, steps, spark.version(), sc.master());

    trainer.fit(net, warm, MSE);
    TrainResult<Net> single = timeSingle(trainer, net, batches, steps, flopsPerStep, out);
    for (int p : partitions) {
      JavaRDD<Batch> warmShards = Shards.ofBatches(sc, warm, p).cache();
      DataParallel.of(trainer).fit(net, warmShards, MSE);
      JavaRDD<Batch> shards = Shards.ofBatches(sc, batches, p).cache();
      shards.count();
      DataParallelResult dist;
      try (TaskTraffic listener = TaskTraffic.attach(sc)) {
        long t0 = System.nanoTime();
        dist = DataParallel.of(trainer).fit(net, shards, MSE);
        double sparkStep = (System.nanoTime() - t0) / 1e9 / steps;
        TaskTraffic.Totals measured = listener.await((long) p * (steps + 1),
            Duration.ofMinutes(1));
        Traffic t = dist.traffic();
        out.printf(Locale.ROOT, "| Spark local, %d partition%s | %.3f s | %.1f GFLOP/s | %,d B |"
            + " %,d B | %,d B | %,d B |%n", p, p == 1 ? "" : "s", sparkStep,
            flopsPerStep / sparkStep / 1e9, t.adapterBytesPerStep(), t.gradientBytesPerStep(),
            measured.resultBytes() / steps, t.baseBytes());
      }
      double diff = 0;
      for (var e : Tree.leavesByPath(single.net().module()).entrySet()) {
        diff = Math.max(diff, e.getValue().maxAbsDiff(Tree.leaf(dist.net().module(),
            e.getKey())));
      }
      out.printf(Locale.ROOT, "  max |spark - single| over all leaves: %.1e%n", diff);
      shards.unpersist(false);
      warmShards.unpersist(false);
    }
    timeSingle(trainer, net, batches, steps, flopsPerStep, out);
    out.println("columns: step time, training GFLOP/s (4 x frozen params x rows per step),"
        + " adapters down, gradients up (all partitions), Spark task-result bytes per step,"
        + " base broadcast once");
  }
}
