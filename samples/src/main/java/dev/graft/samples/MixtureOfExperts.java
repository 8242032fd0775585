package dev.graft.samples;

import dev.graft.dsl.Net;
import dev.graft.dsl.lora.AdapterCatalog;
import dev.graft.dsl.lora.AdapterKind;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.nn.GroupedLayer;
import dev.graft.dsl.nn.GroupedLinear;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.optim.AdamW;
import dev.graft.dsl.train.LabeledBatch;
import dev.graft.dsl.train.Losses;
import dev.graft.dsl.train.Trainer;
import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every zoo adapter on the experts of a mixture-of-experts classifier. A small network routes
 * each UCI digit to one of four experts (a {@link GroupedLinear}, one {@code 64 → 32} map per
 * expert, chosen by a fixed hash router) and classifies the expert's features with a Linear head.
 * It is trained on upright digits; the task is then the same digits rotated by 90°. For each kind
 * of the {@link AdapterCatalog}, only the experts are adapted (the router and head stay frozen):
 * the table shows the trainable parameters (four slices of each adapter field, one per expert),
 * the rotated test accuracy after adapting, and how far the merged network is from the adapted
 * one. Run it with {@code mvn -B -q -pl samples -am compile exec:java
 * -Dexec.mainClass=dev.graft.samples.MixtureOfExperts}.
 */
public final class MixtureOfExperts {
  private MixtureOfExperts() {}

  /** Experts, features per expert, rank, training epochs. */
  static final int EXPERTS = 4;
  static final int FEATURES = 32;
  static final int RANK = 4;
  static final int PRETRAIN_EPOCHS = 30;
  static final int ADAPT_EPOCHS = 15;

  /**
   * The classifier: row {@code i} of the flattened image goes to expert {@code argmax(x_i ·
   * router)}, then through ReLU and the head.
   *
   * @param router the frozen {@code (64, EXPERTS)} hash projection
   * @param experts the experts, a {@link GroupedLinear} or an adapter on one
   * @param head the classifier {@code (10, FEATURES)}
   */
  // guide: moe-model
  public record Classifier(Tensor router, Layer experts, Layer head) implements Layer {
    @Override
    public Tensor apply(Tensor images) {
      Tensor x = images.reshape(images.dim(0), 64);
      int[] expert = argmaxRows(x.stopGradient().matmul(router));
      return head.apply(((GroupedLayer) experts).apply(x, expert).relu());
    }
  }
  // guide: end

  /** One adapter kind's result. */
  public record Row(String kind, long trainable, double before, double after, double mergeGap) {}

  /** What {@link #run()} returns: the pretrained accuracies and one row per kind. */
  public record Result(double upright, double rotated, List<Row> rows, List<String> lines) {}

  /** Prints the table. */
  public static void main(String[] args) {
    run();
  }

  /** The example, printing to {@code System.out}. */
  public static Result run() {
    List<String> out = new ArrayList<>();
    Key[] k = Key.of(11).split(4);
    Digits.Split upright = Digits.load().split(0.2, 5);
    Digits.Split rotated = new Digits.Split(upright.train().rotated(), upright.test().rotated());
    Classifier fresh = new Classifier(Random.normal(k[0], 64, EXPERTS),
        GroupedLinear.create(EXPERTS, 64, FEATURES, true, k[1]), Linear.create(FEATURES, 10, k[2]));
    Net pretrained = train(Net.of(fresh), upright.train(), PRETRAIN_EPOCHS, 3e-3);
    double uprightAcc = accuracy(pretrained, upright.test());
    double rotatedAcc = accuracy(pretrained, rotated.test());
    print(out, String.format(Locale.ROOT, "pretrained: %d experts of 64 -> %d, test accuracy"
        + " %.1f%% upright, %.1f%% rotated", EXPERTS, FEATURES, 100 * uprightAcc,
        100 * rotatedAcc));
    print(out, String.format(Locale.ROOT, "%-8s %10s %10s %10s %12s", "adapter", "trainable",
        "before", "after", "merge gap"));
    List<Row> rows = new ArrayList<>();
    for (AdapterKind kind : AdapterCatalog.KINDS) {
      // guide: moe-adapt
      Net adapted = Net.of(pretrained.module()).freeze().lora(LoraSpec.builder()
          .rank(RANK).alpha(2.0 * RANK).target("experts")
          .wrappers(List.of(kind.factory())).build());
      // guide: end
      double before = accuracy(adapted, rotated.test());
      Net trained = train(adapted, rotated.train(), ADAPT_EPOCHS, 1e-2);
      Tensor testX = rotated.test().images();
      Tensor logits = trained.apply(testX);
      Row row = new Row(kind.name(), adapted.trainableCount(), before,
          Losses.accuracy(logits, rotated.test().labels()),
          trained.merge().apply(testX).maxAbsDiff(logits));
      rows.add(row);
      print(out, String.format(Locale.ROOT, "%-8s %,10d %9.1f%% %9.1f%% %12.1e", row.kind(),
          row.trainable(), 100 * row.before(), 100 * row.after(), row.mergeGap()));
    }
    return new Result(uprightAcc, rotatedAcc, List.copyOf(rows), List.copyOf(out));
  }

  private static Net train(Net net, Digits data, int epochs, double lr) {
    List<LabeledBatch> batches = LabeledBatch.split(data.images(), data.labels(), 64);
    return Trainer.builder().optimizer(AdamW.of(lr)).epochs(epochs).seed(3).shuffle(true)
        .build()
        .fit(net, batches, (m, b) -> Losses.softmaxCrossEntropy(m.apply(b.inputs()), b.labels()))
        .net();
  }

  private static double accuracy(Net net, Digits data) {
    return Losses.accuracy(net.apply(data.images()), data.labels());
  }

  /** The column of each row's largest value. */
  static int[] argmaxRows(Tensor scores) {
    int n = scores.dim(0);
    int m = scores.dim(1);
    float[] v = scores.toArray();
    int[] best = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 1; j < m; j++) {
        if (v[i * m + j] > v[i * m + best[i]]) {
          best[i] = j;
        }
      }
    }
    return best;
  }

  private static void print(List<String> out, String line) {
    out.add(line);
    System.out.println(line);
  }
}
