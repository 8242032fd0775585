package dev.graft.samples;

import dev.graft.dsl.Net;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Relu;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.optim.AdamW;
import dev.graft.dsl.train.Batch;
import dev.graft.dsl.train.Losses;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.Locale;

/**
 * The README's Java example: build a model, freeze it, graft LoRA onto its Linear layers, train
 * the adapters, merge them back into plain weights. Run it with {@code mvn -B -q -pl samples -am
 * test-compile exec:java -Dexec.mainClass=dev.graft.samples.Quickstart}.
 */
public final class Quickstart {
  private Quickstart() {}

  /** Prints what each step does. */
  public static void main(String[] args) {
    run();
  }

  /** The example, printing to {@code System.out}; returns the trained net (adapters in place). */
  public static Net run() {
    Key[] k = Key.of(42).split(5);
    // A model is a tree of records: Linear layers with ReLUs between them.
    Sequential model = Sequential.of(Linear.create(16, 128, k[0]), new Relu(),
        Linear.create(128, 128, k[1]), new Relu(), Linear.create(128, 1, k[2]));
    // A small regression task.
    Tensor x = Random.normal(k[3], 256, 16);
    Tensor y = x.matmul(Random.normal(k[4], 16, 1)).tanh();
    List<Batch> batches = Batch.split(x, y, 32);

    // Freeze every weight, then wrap each Linear in LoRA (rank 4, alpha 8): only A and B train.
    Net net = Net.of(model).freeze().lora(4, 8.0);
    System.out.println(net);
    System.out.print(net.summary());

    Net trained = net.fit(batches, (m, b) -> Losses.mse(m.apply(b.inputs()), b.targets()),
        AdamW.of(1e-2), 50);
    System.out.printf(Locale.ROOT, "mse %.4f -> %.4f%n", Losses.mse(net.apply(x), y).item(),
        Losses.mse(trained.apply(x), y).item());

    // Fold the adapters into the weights: plain Linear layers again, the same outputs.
    Net merged = trained.merge();
    System.out.println(merged + " " + Tree.paths(merged.module()));
    System.out.printf(Locale.ROOT, "max |merged - adapted| = %.1e%n",
        merged.apply(x).maxAbsDiff(trained.apply(x)));
    return trained;
  }
}
