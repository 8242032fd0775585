package dev.graft.spark;

import dev.graft.dsl.Net;
import dev.graft.dsl.optim.OptState;
import dev.graft.dsl.optim.Optimizer;
import dev.graft.dsl.optim.Step;
import dev.graft.dsl.train.Epoch;
import dev.graft.dsl.train.History;
import dev.graft.dsl.train.TrainResult;
import dev.graft.dsl.train.Trainer;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.jspecify.annotations.Nullable;

/**
 * Data-parallel training of a net's trainable leaves on Spark, step for step what {@link
 * Trainer#fit} does in one process. The data is an RDD of shards: partition {@code p}'s {@code
 * k}-th element is its share of global batch {@code k} ({@link Shards} builds one). Each step:
 *
 * <ol>
 *   <li>the driver broadcasts the trainable leaves (the adapters; the frozen base was broadcast
 *       once at the start and stays decoded on each executor);
 *   <li>every partition computes the loss of its shard and its gradient over the trainable leaves
 *       only, times the shard's weight (its row count, for a loss that is a mean over rows);
 *   <li>{@code treeAggregate} adds the partitions' sums; the driver divides by the total weight,
 *       which gives the gradient of the loss over the whole global batch;
 *   <li>the driver applies the trainer's optimizer (with its schedule and clipping) to that
 *       gradient, exactly as {@code Trainer.fit} does.
 * </ol>
 *
 * <p>The trainer's epochs, seed, shuffling (a permutation of the global batches per epoch, the
 * same as {@code Trainer}'s), evaluation and plot apply. Step {@code s} hands the loss {@code
 * Key.of(seed).foldIn(s)} as {@code Trainer} does; with more than one partition, partition {@code
 * p} gets that key folded with {@code p}, so shards draw different dropout masks (a run is then
 * reproducible for a given partitioning, but its dropout masks are not those of one process).
 *
 * <pre>{@code
 * SparkSession spark = GraftSpark.local("train", 2);
 * JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
 * JavaRDD<LabeledBatch> shards = Shards.ofLabeled(sc, batches, 2);
 * DataParallelResult r = DataParallel.of(Trainer.builder().optimizer(AdamW.of(1e-3)).build())
 *     .fit(net, shards, (m, b, key) -> Losses.softmaxCrossEntropy(m.apply(b.inputs(), key),
 *         b.labels()));
 * }</pre>
 */
public final class DataParallel {
  private static final System.Logger LOG = System.getLogger(DataParallel.class.getName());

  private final Trainer trainer;
  private final @Nullable RowCount<?> rows;
  private final int depth;

  private DataParallel(Trainer trainer, @Nullable RowCount<?> rows, int depth) {
    this.trainer = trainer;
    this.rows = rows;
    this.depth = depth;
  }

  /**
   * Data-parallel training with {@code trainer}'s settings, for a loss that is a mean over the
   * rows of a batch (shards weighted by {@link RowCount#standard()}); {@code treeAggregate} depth 2.
   */
  public static DataParallel of(Trainer trainer) {
    return new DataParallel(trainer, RowCount.standard(), 2);
  }

  /** This run with shards weighted by {@code count} (for a mean loss over a custom batch type). */
  public DataParallel rowCount(RowCount<?> count) {
    return new DataParallel(trainer, count, depth);
  }

  /**
   * This run for a loss that sums over rows (no weighting: the global gradient is the plain sum of
   * the shards' gradients).
   */
  public DataParallel sumLoss() {
    return new DataParallel(trainer, null, depth);
  }

  /** This run with another {@code treeAggregate} depth (2 suits up to a few hundred partitions). */
  public DataParallel depth(int newDepth) {
    if (newDepth < 1) {
      throw new IllegalArgumentException("DataParallel.depth: must be >= 1, got " + newDepth);
    }
    return new DataParallel(trainer, rows, newDepth);
  }

  /** The trainer whose settings apply. */
  public Trainer trainer() {
    return trainer;
  }

  /** Trains {@code net} from a fresh optimizer state. */
  public <B> DataParallelResult fit(Net net, JavaRDD<B> shards, SerializableLoss<B> loss) {
    return fit(net, shards, loss, OptState.empty());
  }

  /**
   * Trains {@code net} from optimizer state {@code start} (to resume a run). An unpersisted
   * {@code shards} RDD is cached in memory for the run and released after it.
   *
   * @throws IllegalArgumentException when a partition holds no shard
   * @throws IllegalStateException when the loss is NaN or infinite at a step (the message names
   *     the step and learning rate), or when the net has no trainable leaf
   */
  @SuppressWarnings("unchecked")
  public <B> DataParallelResult fit(Net net, JavaRDD<B> shards, SerializableLoss<B> loss,
      OptState start) {
    List<Path> paths = net.trainablePaths();
    if (paths.isEmpty()) {
      throw new IllegalStateException("DataParallel.fit: the net has no trainable leaves; add"
          + " adapters (lora(...)) or unfreeze some first");
    }
    int parts = shards.getNumPartitions();
    boolean cached = shards.getStorageLevel().equals(StorageLevel.NONE());
    if (cached) {
      shards.persist(StorageLevel.MEMORY_ONLY());
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(shards.context());
    Broadcast<byte[]> base = null;
    try {
      int n = stepsPerEpoch(shards);
      Optimizer opt = trainer.effectiveOptimizer();
      byte[] netBytes = Shipping.net(net);
      base = sc.broadcast(netBytes);
      RowCount<B> count = (RowCount<B>) rows;

      List<Double> stepLosses = new ArrayList<>();
      List<Double> rates = new ArrayList<>();
      List<Epoch> done = new ArrayList<>();
      OptState state = start;
      Net current = net;
      long adapterBytes = 0;
      long gradientBytes = 0;
      for (int e = 0; e < trainer.epochs(); e++) {
        int[] order = order(n, e);
        double sum = 0;
        long samples = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          double lr = opt.learningRate(state);
          byte[] leafBytes = Shipping.leaves(current);
          Broadcast<byte[]> leaves = sc.broadcast(leafBytes);
          GradSum total;
          try {
            StepTask<B> task = new StepTask<>(base, leaves, order[i], trainer.seed(),
                state.step(), parts, loss, count);
            total = shards.mapPartitionsWithIndex(task, false)
                .treeAggregate(GradSum.empty(), GradSum::add, GradSum::add, depth);
          } finally {
            leaves.destroy();
          }
          float[][] g = total.grads();
          if (g == null || total.shards() != parts || g.length != paths.size()) {
            throw new IllegalStateException("DataParallel: step " + state.step() + " got "
                + total.shards() + " partial sums for " + parts + " partitions");
          }
          double weight = count == null ? 1 : total.weight();
          double l = total.loss() / weight;
          if (!Double.isFinite(l)) {
            throw new IllegalStateException("DataParallel '" + trainer.name() + "': the loss is "
                + l + " at epoch " + e + ", step " + i + " of the epoch (step " + state.step()
                + " overall, learning rate " + lr + "); lower the learning rate or clip"
                + " gradients");
          }
          adapterBytes = leafBytes.length;
          gradientBytes = total.wireBytes() * parts;
          Step<Net> s = opt.step(current, mean(current, paths, g, weight), state);
          current = s.net();
          state = s.state();
          stepLosses.add(l);
          rates.add(lr);
          sum += l;
          samples += count == null ? 0 : (long) weight;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> metrics = trainer.evaluation().isPresent()
            ? trainer.evaluation().get().evaluate(current.module()) : Map.of();
        done.add(new Epoch(e, n, samples, n == 0 ? Double.NaN : sum / n, seconds, metrics));
        int epoch = e;
        double meanLoss = n == 0 ? Double.NaN : sum / n;
        LOG.log(System.Logger.Level.DEBUG, () -> String.format(Locale.ROOT,
            "%s: epoch %d/%d on %d partitions, mean loss %.4g, %.2f s", trainer.name(),
            epoch + 1, trainer.epochs(), parts, meanLoss, seconds));
      }
      History history = new History(trainer.name(), stepLosses, rates, done);
      if (trainer.plotPath().isPresent() && history.steps() > 0) {
        history.plot(trainer.plotPath().get(), trainer.plotTitle());
      }
      Traffic traffic = new Traffic(parts, stepLosses.size(), netBytes.length, adapterBytes,
          gradientBytes, net.trainableCount(), net.totalCount());
      return new DataParallelResult(new TrainResult<>(current, history, state), traffic);
    } finally {
      if (base != null) {
        base.destroy();
      }
      if (cached) {
        shards.unpersist(false);
      }
    }
  }

  /** {@code g / weight} per leaf, as tensors of the leaves' shapes. */
  private static Map<Path, Tensor> mean(Net net, List<Path> paths, float[][] g, double weight) {
    Map<Path, Tensor> leaves = Tree.leavesByPath(net.module());
    Map<Path, Tensor> out = new LinkedHashMap<>();
    for (int k = 0; k < paths.size(); k++) {
      float[] a = g[k];
      if (weight != 1) {
        for (int i = 0; i < a.length; i++) {
          a[i] = (float) (a[i] / weight);
        }
      }
      out.put(paths.get(k), Tensor.adopt(a, leaves.get(paths.get(k)).shape()));
    }
    return out;
  }

  /** The shards every partition holds (their minimum, with a warning when they differ). */
  private static <B> int stepsPerEpoch(JavaRDD<B> shards) {
    List<Integer> counts = shards.mapPartitions(DataParallel::<B>count).collect();
    int n = Integer.MAX_VALUE;
    int max = 0;
    for (int p = 0; p < counts.size(); p++) {
      if (counts.get(p) == 0) {
        throw new IllegalArgumentException("DataParallel.fit: partition " + p + " of "
            + counts.size() + " holds no shard; every partition needs its share of every global"
            + " batch (see Shards)");
      }
      n = Math.min(n, counts.get(p));
      max = Math.max(max, counts.get(p));
    }
    if (n != max) {
      int steps = n;
      LOG.log(System.Logger.Level.WARNING, () -> "DataParallel.fit: the partitions hold "
          + counts + " shards; each epoch takes the first " + steps + " of every partition");
    }
    return n;
  }

  private static <B> Iterator<Integer> count(Iterator<B> it) {
    int c = 0;
    while (it.hasNext()) {
      it.next();
      c++;
    }
    return List.of(c).iterator();
  }

  /** The visiting order of epoch {@code epoch}: Trainer's, so both visit batches alike. */
  private int[] order(int n, int epoch) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (trainer.shuffle()) {
      SplittableRandom random = new SplittableRandom(trainer.seed() * 0x9E3779B97F4A7C15L + epoch);
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }
}
