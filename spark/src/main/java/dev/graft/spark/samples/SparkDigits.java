package dev.graft.spark.samples;

import dev.graft.dsl.Net;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Relu;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.optim.AdamW;
import dev.graft.dsl.optim.Schedule;
import dev.graft.dsl.train.LabeledBatch;
import dev.graft.dsl.train.Losses;
import dev.graft.dsl.train.TrainResult;
import dev.graft.dsl.train.Trainer;
import dev.graft.dsl.tree.Mask;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import dev.graft.samples.Digits;
import dev.graft.spark.BatchScorer;
import dev.graft.spark.DataParallel;
import dev.graft.spark.DataParallelResult;
import dev.graft.spark.GraftSpark;
import dev.graft.spark.SerializableLoss;
import dev.graft.spark.Shards;
import dev.graft.spark.Traffic;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark sample: an MLP pretrained on digits 0–4 in this process gets a new head and LoRA
 * (rank 4) on its hidden layers, and adapts to digits 5–9 twice with the same trainer — once in
 * this process ({@code Trainer.fit}), once data-parallel on Spark ({@link DataParallel}) — then
 * Spark scores the held-out test set with the merged model ({@link BatchScorer}). Prints both
 * accuracies, how far the two runs' adapters are apart, the traffic per step and the times.
 *
 * <p>Run embedded ({@code local[2]}): {@code mvn -B -q -pl spark -am test-compile exec:exec};
 * arguments as {@code -Dspark.sample.args="epochs=8 partitions=2"}. On a cluster, the same class
 * under {@code spark-submit} (see the README).
 */
public final class SparkDigits {
  /** Softmax cross-entropy, with the step's key passed on (dropout, if any). */
  static final SerializableLoss<LabeledBatch> LOSS = (m, b, key) ->
      Losses.softmaxCrossEntropy(m.apply(b.inputs(), key), b.labels());

  private SparkDigits() {}

  /**
   * The sample's settings.
   *
   * @param pretrainEpochs epochs of pretraining on digits 0–4
   * @param epochs epochs of adapting to digits 5–9
   * @param partitions Spark partitions (workers) per step
   * @param batch rows per global batch
   * @param lr the peak learning rate (warm-up and cosine decay)
   * @param seed seeds the data split, the weights and the trainer
   */
  public record Options(int pretrainEpochs, int epochs, int partitions, int batch, double lr,
      long seed) {
    /** The defaults: 10 pretraining epochs, 8 adapting epochs, 2 partitions, batches of 32. */
    public static Options defaults() {
      return new Options(10, 8, 2, 32, 1e-2, 1);
    }

    /** These options with {@code key=value} arguments applied. */
    public Options with(String... args) {
      Options o = this;
      for (String a : args) {
        int eq = a.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException("SparkDigits: argument '" + a + "' is not"
              + " key=value; keys: pretrain, epochs, partitions, batch, lr, seed");
        }
        String k = a.substring(0, eq);
        String v = a.substring(eq + 1);
        o = switch (k) {
          case "pretrain" -> new Options(Integer.parseInt(v), o.epochs, o.partitions, o.batch,
              o.lr, o.seed);
          case "epochs" -> new Options(o.pretrainEpochs, Integer.parseInt(v), o.partitions,
              o.batch, o.lr, o.seed);
          case "partitions" -> new Options(o.pretrainEpochs, o.epochs, Integer.parseInt(v),
              o.batch, o.lr, o.seed);
          case "batch" -> new Options(o.pretrainEpochs, o.epochs, o.partitions,
              Integer.parseInt(v), o.lr, o.seed);
          case "lr" -> new Options(o.pretrainEpochs, o.epochs, o.partitions, o.batch,
              Double.parseDouble(v), o.seed);
          case "seed" -> new Options(o.pretrainEpochs, o.epochs, o.partitions, o.batch, o.lr,
              Long.parseLong(v));
          default -> throw new IllegalArgumentException("SparkDigits: unknown key '" + k
              + "'; keys: pretrain, epochs, partitions, batch, lr, seed");
        };
      }
      return o;
    }
  }

  /**
   * What the sample measured.
   *
   * @param pretrainAccuracy test accuracy on digits 0–4 after pretraining
   * @param singleAccuracy test accuracy on digits 5–9 after adapting in this process
   * @param sparkAccuracy the same after adapting on Spark
   * @param scoredAccuracy the Spark-adapted model's accuracy as scored by Spark
   * @param maxAdapterDiff the largest |Spark − single| over the trainable entries
   * @param singleSeconds wall time of the single-process adaptation
   * @param sparkSeconds wall time of the Spark adaptation
   * @param traffic what the Spark run moved
   */
  public record Result(double pretrainAccuracy, double singleAccuracy, double sparkAccuracy,
      double scoredAccuracy, double maxAdapterDiff, double singleSeconds, double sparkSeconds,
      Traffic traffic) {}

  /** Runs the sample with {@code key=value} arguments on {@link GraftSpark#session}. */
  public static void main(String[] args) {
    SparkSession spark = GraftSpark.session("graft-spark-digits");
    try {
      run(spark, Options.defaults().with(args), System.out);
    } finally {
      spark.stop();
    }
  }

  /** Runs the sample on {@code spark}, printing to {@code out}. */
  public static Result run(SparkSession spark, Options o, PrintStream out) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Digits all = Digits.load();
    Digits.Split source = all.classes(0, 4).split(0.25, o.seed());
    Digits.Split target = all.classes(5, 9).split(0.25, o.seed() + 1);
    Key[] k = Key.of(o.seed()).split(4);
    out.printf(Locale.ROOT, "Spark %s, master %s; UCI digits: pretrain on 0-4 (%d train),"
        + " adapt to 5-9 (%d train / %d test)%n", spark.version(), sc.master(),
        source.train().size(), target.train().size(), target.test().size());

    Sequential mlp = Sequential.of(Linear.create(Digits.PIXELS, 128, k[0]), new Relu(),
        Linear.create(128, 64, k[1]), new Relu(), Linear.create(64, 5, k[2]));
    Net pretrained = trainer(o.pretrainEpochs(), 1e-2, batches(source.train(), o.batch()).size(),
        o.seed(), "pretrain").fit(Net.of(mlp), batches(source.train(), o.batch()), LOSS).net();
    out.printf(Locale.ROOT, "pretrained %d epochs in this process: digits 0-4 test accuracy"
        + " %.1f%%%n", o.pretrainEpochs(), 100 * accuracy(pretrained, source.test()));

    Sequential base = Tree.set((Sequential) pretrained.module(), Path.of("layers/4"),
        Linear.create(64, 5, k[3]));
    Net ready = Net.of(base).freeze().unfreeze(Mask.regex("layers/4/.*"))
        .lora(LoraSpec.of(4, 8, "^layers/[02]$"));
    List<LabeledBatch> batches = new ArrayList<>();
    for (LabeledBatch b : batches(target.train(), o.batch())) {
      if (b.size() >= o.partitions()) {
        batches.add(b);
      }
    }
    Trainer adapt = trainer(o.epochs(), o.lr(), batches.size(), o.seed(), "adapt");
    out.printf(Locale.ROOT, "adapting: %s; AdamW peak lr %s, %d epochs x %d batches of %d%n",
        ready, o.lr(), o.epochs(), batches.size(), o.batch());

    long t0 = System.nanoTime();
    TrainResult<Net> single = adapt.fit(ready, batches, LOSS);
    double singleSeconds = (System.nanoTime() - t0) / 1e9;

    t0 = System.nanoTime();
    DataParallelResult dist = DataParallel.of(adapt)
        .fit(ready, Shards.ofLabeled(sc, batches, o.partitions()), LOSS);
    double sparkSeconds = (System.nanoTime() - t0) / 1e9;

    double singleAcc = accuracy(single.net(), target.test());
    double sparkAcc = accuracy(dist.net(), target.test());
    double diff = maxDiff(single.net(), dist.net());
    out.printf(Locale.ROOT, "digits 5-9 test accuracy: single process %.1f%% (%.1f s),"
        + " Spark %d partitions %.1f%% (%.1f s); max |adapter difference| %.1e%n",
        100 * singleAcc, singleSeconds, o.partitions(), 100 * sparkAcc, sparkSeconds, diff);
    out.println("traffic: " + dist.traffic());

    double scored;
    try (BatchScorer scorer = BatchScorer.of(sc, dist.net(), new int[] {Digits.PIXELS},
        256)) {
      List<float[]> logits = scorer.score(sc.parallelize(rows(target.test()), o.partitions()))
          .collect();
      int correct = 0;
      for (int i = 0; i < logits.size(); i++) {
        if (argmax(logits.get(i)) == target.test().labels()[i]) {
          correct++;
        }
      }
      scored = (double) correct / logits.size();
      out.printf(Locale.ROOT, "Spark batch inference (merged model, %,d bytes broadcast once):"
          + " %d test images, accuracy %.1f%%%n", scorer.broadcastBytes(), logits.size(),
          100 * scored);
    }
    return new Result(accuracy(pretrained, source.test()), singleAcc, sparkAcc, scored, diff,
        singleSeconds, sparkSeconds, dist.traffic());
  }

  private static Trainer trainer(int epochs, double lr, int batchesPerEpoch, long seed,
      String name) {
    long total = Math.max(1, (long) epochs * batchesPerEpoch);
    return Trainer.builder().optimizer(AdamW.of(Schedule.warmupCosine(lr, Math.max(1,
        total / 10), total))).epochs(epochs).seed(seed).shuffle(true).progressBar(false)
        .name(name).build();
  }

  /** The images as a {@code (n, 64)} tensor of pixels in {@code [0, 1]}: this MLP's input. */
  private static Tensor flat(Digits data) {
    return data.images().reshape(data.size(), Digits.PIXELS);
  }

  /** One {@code float[64]} per image, for the scorer. */
  private static List<float[]> rows(Digits data) {
    float[] all = flat(data).toArray();
    List<float[]> out = new ArrayList<>(data.size());
    for (int i = 0; i < data.size(); i++) {
      out.add(Arrays.copyOfRange(all, i * Digits.PIXELS, (i + 1) * Digits.PIXELS));
    }
    return out;
  }

  /** Consecutive minibatches of {@code batch} images. */
  private static List<LabeledBatch> batches(Digits data, int batch) {
    return LabeledBatch.split(flat(data), data.labels(), batch);
  }

  private static double accuracy(Net net, Digits data) {
    return Losses.accuracy(net.apply(flat(data)), data.labels());
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static double maxDiff(Net a, Net b) {
    Map<Path, Tensor> x = Tree.leavesByPath(a.module());
    Map<Path, Tensor> y = Tree.leavesByPath(b.module());
    double max = 0;
    for (Path p : a.trainablePaths()) {
      max = Math.max(max, x.get(p).maxAbsDiff(y.get(p)));
    }
    return max;
  }
}
