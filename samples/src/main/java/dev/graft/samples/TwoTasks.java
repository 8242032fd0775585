package dev.graft.samples;

import dev.graft.dsl.Combined;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.LoraSpec;
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
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Many adapters on one frozen base: two LoRA adapters trained on two regression tasks, served
 * side by side in one mixed batch, combined into one, saved and rebuilt with {@code
 * fromPretrained}, and what the second adapter costs in memory next to a copy of the model. Run
 * it with {@code mvn -B -q -pl samples -am compile exec:java
 * -Dexec.mainClass=dev.graft.samples.TwoTasks}.
 */
public final class TwoTasks {
  private TwoTasks() {}

  /** Prints each step. */
  public static void main(String[] args) throws IOException {
    run();
  }

  /** What {@link #run()} returns: the net with both adapters and the two tasks' test inputs. */
  public record Result(Net net, Tensor xa, Tensor xb, List<String> lines) {}

  /** The example, printing to {@code System.out}. */
  public static Result run() throws IOException {
    List<String> out = new ArrayList<>();
    Key[] k = Key.of(7).split(7);
    // guide: many-base
    Sequential model = Sequential.of(Linear.create(8, 128, k[0]), new Relu(),
        Linear.create(128, 128, k[1]), new Relu(), Linear.create(128, 1, k[2]));
    // Two tasks: y = tanh(x·u) and y = exp(-(x·v)²).
    Tensor xa = Random.normal(k[3], 256, 8);
    Tensor xb = Random.normal(k[4], 256, 8);
    Tensor ya = xa.matmul(Random.normal(k[5], 8, 1).times(0.5f)).tanh();
    Tensor yb = xb.matmul(Random.normal(k[6], 8, 1).times(0.5f)).square().unaryMinus().exp();

    LoraSpec spec = LoraSpec.of(4, 8.0);
    // Each lora(name, ...) adds a set and makes it the active one: fit trains only it.
    Net net = Net.of(model).freeze().lora("taskA", spec)
        .fit(Batch.split(xa, ya, 32), (m, b) -> Losses.mse(m.apply(b.inputs()), b.targets()),
            AdamW.of(1e-2), 40)
        .lora("taskB", spec)
        .fit(Batch.split(xb, yb, 32), (m, b) -> Losses.mse(m.apply(b.inputs()), b.targets()),
            AdamW.of(1e-2), 40);
    // guide: end
    print(out, net.adapterNames().toString());
    print(out, String.format(Locale.ROOT, "task A mse: base %.4f, taskA %.4f, taskB %.4f",
        mse(net.activate(), xa, ya), mse(net.activate("taskA"), xa, ya),
        mse(net.activate("taskB"), xa, ya)));
    print(out, String.format(Locale.ROOT, "task B mse: base %.4f, taskA %.4f, taskB %.4f",
        mse(net.activate(), xb, yb), mse(net.activate("taskA"), xb, yb),
        mse(net.activate("taskB"), xb, yb)));

    // guide: many-serve
    // One forward pass, each row through its own adapter (or "__base__"):
    Tensor x = Tensor.concat(List.of(xa.slice(0, 0, 4), xb.slice(0, 0, 4)), 0);
    List<String> rows = List.of("taskA", "taskA", "taskA", "taskA",
        "taskB", "taskB", "__base__", "__base__");
    Tensor mixed = net.apply(x, rows);
    // guide: end
    float gap = 0;
    for (int i = 0; i < rows.size(); i++) {
      Net alone = rows.get(i).equals("__base__") ? net.activate() : net.activate(rows.get(i));
      gap = Math.max(gap, alone.apply(x).slice(0, i, i + 1).maxAbsDiff(mixed.slice(0, i, i + 1)));
    }
    print(out, String.format(Locale.ROOT, "mixed batch of %d rows: max |row - its adapter alone|"
        + " = %.1e", rows.size(), gap));

    // guide: many-combine
    // An exact sum of the two updates (factors concatenated: rank 4 + 4 = 8) ...
    Net both = net.combine("both", Map.of("taskA", 1.0, "taskB", 1.0)).activate("both");
    // ... or cut to rank 4 by a truncated SVD, reporting the energy each layer lost.
    Combined cut = net.combine("both4", Map.of("taskA", 1.0, "taskB", 1.0), 4);
    // guide: end
    print(out, String.format(Locale.ROOT, "combined (cat, rank 8): task A mse %.4f, task B mse"
        + " %.4f; equal to both active: %.1e", mse(both, xa, ya), mse(both, xb, yb),
        both.apply(xa).maxAbsDiff(net.activate("taskA", "taskB").apply(xa))));
    print(out, String.format(Locale.ROOT, "combined (svd, rank 4): task A mse %.4f, task B mse"
        + " %.4f, discarded energy up to %.4f", mse(cut.net().activate("both4"), xa, ya),
        mse(cut.net().activate("both4"), xb, yb), cut.maxDiscardedEnergy()));

    // What the second adapter costs: parameters (shared tensors counted once) with and without it.
    long withB = net.totalCount();
    long withoutB = net.deleteAdapter("taskB").totalCount();
    long copy = Tree.parameterCount(model);
    print(out, String.format(Locale.ROOT, "adapter taskB: %,d parameters (%,d bytes);"
        + " a full copy of the model: %,d parameters (%,d bytes), %.1fx more", withB - withoutB,
        4 * (withB - withoutB), copy, 4 * copy, (double) copy / (withB - withoutB)));

    // guide: many-save
    java.nio.file.Path dir = Files.createTempDirectory("two-tasks");
    net.saveAdapter(dir);                       // taskA/ and taskB/, PEFT's layout
    Net back = Net.fromPretrained(model, dir);  // no lora call: built from the configs
    // guide: end
    print(out, String.format(Locale.ROOT, "fromPretrained: %s, max |taskB - saved taskB| = %.1e",
        back.adapterNames(), back.activate("taskB").apply(xb)
            .maxAbsDiff(net.activate("taskB").apply(xb))));
    try (java.util.stream.Stream<java.nio.file.Path> files = Files.walk(dir)) {
      for (java.nio.file.Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
    return new Result(net, xa, xb, out);
  }

  private static double mse(Net net, Tensor x, Tensor y) {
    return Losses.mse(net.apply(x), y).item();
  }

  private static void print(List<String> out, String line) {
    out.add(line);
    System.out.println(line);
  }
}
