package dev.graft.dsl.train;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.lora.AdapterDropout;
import dev.graft.dsl.optim.OptState;
import dev.graft.dsl.optim.Optimizer;
import dev.graft.dsl.optim.Schedule;
import dev.graft.dsl.optim.Step;
import dev.graft.dsl.tree.Trainable;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.immutables.value.Value;

/**
 * The training loop and its options: for each epoch, for each batch, the loss and the gradients of
 * the trainable leaves ({@link Gradients}), then one optimizer step; after each epoch the optional
 * {@link Evaluation}; at the end the optional PNG loss plot. Returns the trained net, the optimizer
 * state and a {@link History}. It trains any {@link Trainable} (a tree and its trainable paths:
 * the {@code Net} facade, or {@link Trainable#of}) and returns the same kind.
 *
 * <pre>{@code
 * TrainResult<Net> r = Trainer.builder()
 *     .optimizer(AdamW.of(1e-3))
 *     .epochs(10)
 *     .schedule(Schedule.warmupCosine(1e-3, 50, 10 * batches.size()))
 *     .clipNorm(1.0)
 *     .evaluation(model -> Map.of("val", Losses.mse(model.apply(xv), yv).item() * 1.0))
 *     .plotPath(Path.of("loss.png"))
 *     .build()
 *     .fit(net, batches, (m, b, key) -> Losses.mse(m.apply(b.inputs(), key), b.targets()));
 * }</pre>
 *
 * <p>Randomness: step {@code s} (counted over the whole run from 0) gets {@code
 * Key.of(seed).foldIn(s)}, handed to a {@link TrainLoss}, so dropout differs between steps and a
 * run with the same seed repeats exactly. With {@link #shuffle()}, each epoch visits the batches in
 * a permutation drawn from the seed and the epoch.
 *
 * <p>Adapter dropout: each step's loss runs as training ({@link AdapterDropout#training}), so an
 * adapter configured with dropout drops its inputs in every step, also when the loss ignores the
 * key or the model overrides only {@code apply(x)}; the evaluation and the returned net do not.
 *
 * <p>A step whose loss is NaN or infinite, whose gradients hold a NaN or infinite value, or whose
 * update would make a trainable leaf NaN or infinite stops the run with a {@link
 * DivergedException} that names the step and the first offending leaf and holds the history so
 * far; the failed update is not applied.
 */
@Value.Immutable
@ValueStyle
public abstract class Trainer {
  /** Folded into a step's key to give the adapters' dropout scope its own stream. */
  private static final int ADAPTER_DROPOUT_STREAM = 0x41445054;

  /** A new builder; only the optimizer is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The optimizer; its own schedule and clipping apply unless {@link #schedule()} or {@link
   * #clipNorm()} replace them.
   */
  public abstract Optimizer optimizer();

  /** Passes over the batches. Default 1. */
  @Value.Default
  public int epochs() {
    return 1;
  }

  /** A learning-rate schedule replacing the optimizer's. */
  public abstract Optional<Schedule> schedule();

  /** A global-norm clip replacing the optimizer's. */
  public abstract OptionalDouble clipNorm();

  /** Seeds the per-step keys and the shuffling. Default 0. */
  @Value.Default
  public long seed() {
    return 0L;
  }

  /** Whether each epoch visits the batches in a fresh random order. Default false. */
  @Value.Default
  public boolean shuffle() {
    return false;
  }

  /**
   * Whether to draw a progress bar on {@code System.err}. Default: only when the JVM has a
   * console ({@code System.console() != null}), so CI logs stay clean, and the optional
   * progressbar library ({@code me.tongfei:progressbar}) is on the class path; set to {@code true}
   * without it, {@code fit} throws an {@link IllegalStateException} that names it.
   */
  @Value.Default
  public boolean progressBar() {
    return System.console() != null && OptionalDependency.present(OptionalDependency.PROGRESSBAR);
  }

  /** Measured after each epoch; its metrics go into the history. */
  public abstract Optional<Evaluation> evaluation();

  /**
   * Called with each epoch's summary as soon as the epoch is complete (after its evaluation), on
   * the thread that runs {@code fit}: to print or log progress, or to record the epochs elsewhere.
   */
  public abstract Optional<Consumer<Epoch>> onEpoch();

  /**
   * Where to write a PNG of the loss curve at the end, if anywhere. Needs the optional XChart
   * ({@link LossPlot}); {@code fit} checks for it before training.
   */
  public abstract Optional<java.nio.file.Path> plotPath();

  /** The plot's title. Default {@code "training loss"}. */
  @Value.Default
  public String plotTitle() {
    return "training loss";
  }

  /** The run's name: the progress bar's label and the history's name. Default {@code "train"}. */
  @Value.Default
  public String name() {
    return "train";
  }

  @Value.Check
  void check() {
    if (epochs() < 0) {
      throw new IllegalArgumentException("Trainer: epochs must be >= 0, got " + epochs());
    }
    if (clipNorm().isPresent() && !(clipNorm().getAsDouble() > 0)) {
      throw new IllegalArgumentException("Trainer: clipNorm must be > 0, got "
          + clipNorm().getAsDouble());
    }
  }

  /** The optimizer with this trainer's schedule and clip applied. */
  public Optimizer effectiveOptimizer() {
    Optimizer opt = optimizer();
    if (schedule().isPresent()) {
      opt = opt.withSchedule(schedule().get());
    }
    if (clipNorm().isPresent()) {
      opt = opt.withClipNorm(clipNorm().getAsDouble());
    }
    return opt;
  }

  /** Trains with a loss that needs no randomness: {@code (model, batch) -> scalar}. */
  public <T extends Trainable<T>, B> TrainResult<T> fit(T net, List<B> batches,
      BiFunction<Layer, B, Tensor> loss) {
    return fit(net, batches, TrainLoss.of(loss));
  }

  /** Trains with a loss that takes a per-step key: {@code (model, batch, key) -> scalar}. */
  public <T extends Trainable<T>, B> TrainResult<T> fit(T net, List<B> batches,
      TrainLoss<B> loss) {
    return fit(net, batches, loss, OptState.empty());
  }

  /**
   * Trains from an optimizer state (to resume a run: pass the previous result's state; the
   * schedule and the keys continue from its step count).
   */
  public <T extends Trainable<T>, B> TrainResult<T> fit(T net, List<B> batches, TrainLoss<B> loss,
      OptState start) {
    if (batches.isEmpty() && epochs() > 0) {
      throw new IllegalArgumentException("Trainer.fit: no batches to train on");
    }
    if (plotPath().isPresent()) {
      // Before training, not after it: the plot's library is an optional dependency.
      OptionalDependency.require(OptionalDependency.XCHART, "Trainer.plotPath");
    }
    Optimizer opt = effectiveOptimizer();
    Key root = Key.of(seed());
    int n = batches.size();
    List<Double> stepLosses = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    List<Epoch> done = new ArrayList<>();
    OptState state = start;
    T current = net;
    try (Progress bar = Progress.open(progressBar(), name(), (long) epochs() * n)) {
      for (int e = 0; e < epochs(); e++) {
        int[] order = order(n, e);
        double sum = 0;
        long samples = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          B batch = batches.get(order[i]);
          Key key = root.foldIn((int) state.step());
          double lr = opt.learningRate(state);
          T at = current;
          LossAndGrads lg = AdapterDropout.training(key.foldIn(ADAPTER_DROPOUT_STREAM),
              () -> Gradients.valueAndGrad(at, model -> loss.apply(model, batch, key)));
          double l = lg.item();
          if (!Double.isFinite(l)) {
            throw new DivergedException("Trainer '" + name() + "': the loss is " + l
                + " at epoch " + e + ", step " + i + " of the epoch (step " + state.step()
                + " overall, learning rate " + lr + "); lower the learning rate or clip"
                + " gradients", new History(name(), stepLosses, rates, done), current);
          }
          String where = "at epoch " + e + ", step " + i + " of the epoch (step " + state.step()
              + " overall, learning rate " + lr + ")";
          NonFinite badGrad = NonFinite.find(lg.grads());
          if (badGrad != null) {
            throw new DivergedException("Trainer '" + name() + "': the loss is finite (" + l
                + ") but the gradient of " + badGrad.describe() + " " + where + "; look for a"
                + " log, sqrt or division at a value where its derivative is infinite",
                new History(name(), stepLosses, rates, done), current, badGrad.path());
          }
          Step<T> s = opt.step(current, lg.grads(), state);
          NonFinite badWeight = NonFinite.find(trainableLeaves(s.net()));
          if (badWeight != null) {
            throw new DivergedException("Trainer '" + name() + "': the update made "
                + badWeight.describe() + " " + where + "; lower the learning rate or clip"
                + " gradients", new History(name(), stepLosses, rates, done), current,
                badWeight.path());
          }
          current = s.net();
          state = s.state();
          stepLosses.add(l);
          rates.add(lr);
          sum += l;
          samples += sizeOf(batch);
          if (progressBar()) {
            double secs = (System.nanoTime() - t0) / 1e9;
            bar.step(message(e, sum / (i + 1), i + 1, samples, secs));
          }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> metrics = evaluation().isPresent()
            ? evaluation().get().evaluate(current.module()) : Map.of();
        Epoch epoch = new Epoch(e, n, samples, n == 0 ? Double.NaN : sum / n, seconds, metrics);
        done.add(epoch);
        if (onEpoch().isPresent()) {
          onEpoch().get().accept(epoch);
        }
      }
    }
    History history = new History(name(), stepLosses, rates, done);
    if (plotPath().isPresent() && history.steps() > 0) {
      history.plot(plotPath().get(), plotTitle());
    }
    return new TrainResult<>(current, history, state);
  }

  private String message(int epoch, double meanLoss, int steps, long samples, double secs) {
    String rate = samples > 0
        ? String.format(Locale.ROOT, "%.0f samples/s", samples / secs)
        : String.format(Locale.ROOT, "%.1f steps/s", steps / secs);
    return String.format(Locale.ROOT, "epoch %d/%d loss %.4g %s", epoch + 1, epochs(), meanLoss, rate);
  }

  /** The trainable leaves of {@code net} by path, in tree order. */
  private static Map<dev.graft.dsl.tree.Path, Tensor> trainableLeaves(Trainable<?> net) {
    Map<dev.graft.dsl.tree.Path, Tensor> all = Tree.leavesByPath(net.module());
    Map<dev.graft.dsl.tree.Path, Tensor> out = new LinkedHashMap<>();
    for (dev.graft.dsl.tree.Path p : net.trainablePaths()) {
      out.put(p, all.get(p));
    }
    return out;
  }

  /** The visiting order of epoch {@code epoch}: 0..n-1, or a seeded permutation. */
  private int[] order(int n, int epoch) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (shuffle()) {
      SplittableRandom random = new SplittableRandom(seed() * 0x9E3779B97F4A7C15L + epoch);
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }

  /** The number of samples in a batch when its type tells it; 0 otherwise. */
  static long sizeOf(Object batch) {
    if (batch instanceof Batch b) {
      return b.size();
    }
    if (batch instanceof LabeledBatch b) {
      return b.size();
    }
    if (batch instanceof Tensor t) {
      return t.ndim() == 0 ? 1 : t.dim(0);
    }
    if (batch instanceof Collection<?> c) {
      return c.size();
    }
    return 0;
  }

  /** Builds {@link Trainer}s. */
  public static final class Builder extends ImmutableTrainer.Builder {}
}
