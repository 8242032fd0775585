package dev.graft.samples;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.optim.AdamW;
import dev.graft.dsl.optim.Schedule;
import dev.graft.dsl.train.LabeledBatch;
import dev.graft.dsl.train.LossPlot;
import dev.graft.dsl.train.Losses;
import dev.graft.dsl.train.TrainResult;
import dev.graft.dsl.train.Trainer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The adapter shoot-out: pretrain {@link DigitsCnn} on digits 0–4, give it a fresh 5-way head
 * for digits 5–9, and train a copy of it per {@link Contender} with the same budget (epochs,
 * AdamW, warm-up + cosine schedule, batches, seed); measure each on the held-out test split and
 * check that merging the adapters changes no output beyond float32 rounding.
 */
public final class ShootOut {
  /** The share of each task's images held out for testing. */
  public static final double TEST_FRACTION = 0.3;
  /** Merged and adapted logits may differ by this much relative to the largest logit. */
  public static final double MERGE_RELATIVE_TOLERANCE = 1e-4;

  private final Options options;
  private final PrintStream log;

  /** A shoot-out with {@code options}, printing its progress lines and table to {@code log}. */
  public ShootOut(Options options, PrintStream log) {
    this.options = options;
    this.log = log;
  }

  /**
   * What a run produced.
   *
   * @param pretrainAccuracy the pretrained network's test accuracy on digits 0–4
   * @param rows one per contender, in the order asked
   * @param plot the PNG of the loss curves
   * @param table the text file holding the printed table
   */
  public record Result(double pretrainAccuracy, List<Row> rows, Path plot, Path table) {}

  /** Runs the shoot-out: prints as it goes, writes the plot and the table, returns the rows. */
  public Result run() {
    Options o = options;
    Key root = Key.of(o.seed());
    Key[] keys = root.split(3);
    Digits all = Digits.load();
    Digits.Split source = all.classes(0, 4).split(TEST_FRACTION, o.seed());
    Digits.Split target = all.classes(5, 9).split(TEST_FRACTION, o.seed() + 1);
    log.printf(Locale.ROOT, "data: %d UCI digits; pretrain on 0-4 (%d train / %d test),"
        + " adapt to 5-9 (%d train / %d test)%n", all.size(), source.train().size(),
        source.test().size(), target.train().size(), target.test().size());

    // Fail before pretraining if a contender cannot take a layer at this rank (OFT, PiSSA, ...).
    DigitsCnn fresh = DigitsCnn.create(5, keys[0]);
    for (Contender c : o.contenders()) {
      c.prepare(Net.of(fresh), o.rank(), o.effectiveAlpha(), o.seed());
    }

    long t0 = System.nanoTime();
    Net pretrained = train(Net.of(fresh), source.train(),
        o.pretrainEpochs(), "pretrain").net();
    double pretrainAccuracy = accuracy(pretrained.module(), source.test());
    log.printf(Locale.ROOT, "pretrained %d epochs in %.1f s: digits 0-4 test accuracy %.1f%%%n",
        o.pretrainEpochs(), seconds(t0), 100 * pretrainAccuracy);

    DigitsCnn base = ((DigitsCnn) pretrained.module()).withHead(DigitsCnn.newHead(5, keys[1]));
    int steps = batches(target.train()).size();
    log.printf(Locale.ROOT, "adapting: rank %d, alpha %s, AdamW peak lr %s (warm-up + cosine),"
        + " %d epochs x %d batches of %d, seed %d%n", o.rank(), number(o.effectiveAlpha()),
        number(o.lr()), o.epochs(), steps, o.batch(), o.seed());

    List<Row> rows = new ArrayList<>();
    Tensor testX = target.test().images();
    int[] testY = target.test().labels();
    for (Contender c : o.contenders()) {
      long start = System.nanoTime();
      Net ready = c.prepare(Net.of(base), o.rank(), o.effectiveAlpha(), o.seed());
      double before = Losses.accuracy(ready.apply(testX), testY);
      TrainResult<Net> r = train(ready, target.train(), o.epochs(), c.name());
      double secs = seconds(start);
      Tensor logits = r.net().apply(testX);
      double after = Losses.accuracy(logits, testY);
      double gap = Double.NaN;
      if (c.adapts()) {
        gap = r.net().merge().apply(testX).maxAbsDiff(logits);
      }
      double tolerance = MERGE_RELATIVE_TOLERANCE * Math.max(1, logits.abs().max().item());
      rows.add(new Row(c.name(), ready.trainableCount(), ready.totalCount(), before, after, secs,
          gap, tolerance, r.history()));
    }

    String table = ResultTable.render(rows);
    log.println();
    log.print(table);
    Path plot = o.out().resolve("losses.png");
    Path tableFile = o.out().resolve("table.txt");
    LossPlot chart = LossPlot.titled("Training loss on digits 5-9 (smoothed), rank " + o.rank())
        .smoothed(0.8).size(1000, 600);
    for (Row r : rows) {
      chart = chart.add(r.name(), r.history());
    }
    chart.save(plot);
    try {
      Files.writeString(tableFile, table, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + tableFile, e);
    }
    log.println("trainable: includes the new head (325); acc: held-out digits 5-9, before ="
        + " with the fresh head");
    log.println("time: adapter setup + training; merge gap within 1e-4 x the largest |logit|:"
        + (allMergesOk(rows) ? " yes" : " NO"));
    log.println("loss curves: " + plot);
    return new Result(pretrainAccuracy, List.copyOf(rows), plot, tableFile);
  }

  private static boolean allMergesOk(List<Row> rows) {
    for (Row r : rows) {
      if (!r.mergeOk()) {
        return false;
      }
    }
    return true;
  }

  private TrainResult<Net> train(Net net, Digits data, int epochs, String name) {
    List<LabeledBatch> batches = batches(data);
    long total = (long) epochs * batches.size();
    Schedule schedule = Schedule.warmupCosine(options.lr(), Math.max(1, total / 10), total);
    return Trainer.builder()
        .optimizer(AdamW.of(schedule))
        .epochs(epochs)
        .seed(options.seed())
        .shuffle(true)
        .progressBar(options.showProgress())
        .name(name)
        .build()
        .fit(net, batches, (m, b) -> Losses.softmaxCrossEntropy(m.apply(b.inputs()), b.labels()));
  }

  private List<LabeledBatch> batches(Digits data) {
    return LabeledBatch.split(data.images(), data.labels(), options.batch());
  }

  private static double accuracy(Layer model, Digits data) {
    return Losses.accuracy(model.apply(data.images()), data.labels());
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v)
        : String.format(Locale.ROOT, "%s", v);
  }
}
