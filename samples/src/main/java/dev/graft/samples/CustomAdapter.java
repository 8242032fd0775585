package dev.graft.samples;

import dev.graft.dsl.Net;
import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.nn.Embedding;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.optim.AdamW;
import dev.graft.dsl.train.Batch;
import dev.graft.dsl.train.Losses;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Plugging in an adapter of your own: {@link EmbeddingLoRA} on the {@link Embedding} table and
 * the zoo's {@link LoRAAdapter} on the {@link Linear} layer, in one {@code LoraSpec}; the first
 * wrapper that applies to a layer wins. Run it with {@code mvn -B -q -pl samples -am compile
 * exec:java -Dexec.mainClass=dev.graft.samples.CustomAdapter}.
 */
public final class CustomAdapter {
  /** Tokens in the table. */
  static final int TOKENS = 20;

  private CustomAdapter() {}

  /** Prints the adapted net, the training and the merge. */
  public static void main(String[] args) {
    run(System.out);
  }

  /** The spec: the user's adapter first, then the zoo's. */
  static LoraSpec spec() {
    return LoraSpec.builder().rank(2).alpha(4.0)
        .wrappers(List.of(EmbeddingLoRA.FACTORY, LoRAAdapter.FACTORY))
        .build();
  }

  /** A token-to-number model: an 8-wide embedding table and a Linear read-out. */
  static Sequential model() {
    Key[] k = Key.of(7).split(2);
    return Sequential.of(Embedding.create(TOKENS, 8, k[0]), Linear.create(8, 1, k[1]));
  }

  /** Every token id once, {@code (TOKENS,)}, and its target {@code sin(id / 3)}, {@code (TOKENS, 1)}. */
  static Tensor[] task() {
    float[] ids = new float[TOKENS];
    float[] ys = new float[TOKENS];
    for (int i = 0; i < TOKENS; i++) {
      ids[i] = i;
      ys[i] = (float) Math.sin(i / 3.0);
    }
    return new Tensor[] {Tensor.of(ids, TOKENS), Tensor.of(ys, TOKENS, 1)};
  }

  /** The sample, printing to {@code out}; returns the trained net. */
  public static Net run(PrintStream out) {
    Tensor[] task = task();
    Tensor ids = task[0];
    Tensor ys = task[1];
    Net net = Net.of(model()).freeze().lora(spec());
    out.print(net.summary());

    Net trained = net.fit(Batch.split(ids, ys, 5),
        (m, b) -> Losses.mse(m.apply(b.inputs()), b.targets()), AdamW.of(3e-2), 100);
    out.printf(Locale.ROOT, "mse %.3e -> %.3e%n", Losses.mse(net.apply(ids), ys).item(),
        Losses.mse(trained.apply(ids), ys).item());

    Net merged = trained.merge();
    out.println(Tree.paths(merged.module()));
    out.printf(Locale.ROOT, "max |merged - adapted| = %.1e%n",
        merged.apply(ids).maxAbsDiff(trained.apply(ids)));
    return trained;
  }
}
