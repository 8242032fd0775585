package dev.graft.spark;

import dev.graft.dsl.Net;
import dev.graft.dsl.lora.DoRALinear;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.lora.VeRALinear;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Relu;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.train.Batch;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;

/** Small models and data the Spark tests share. */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
final class Models {
  static final int IN = 16;
  static final int HIDDEN = 64;
  static final int OUT = 4;

  private Models() {}

  /** A frozen MLP 16 → 64 → 64 → 4. */
  static Net base(long seed) {
    Key[] k = Key.of(seed).split(3);
    return Net.of(Sequential.of(Linear.create(IN, HIDDEN, k[0]), new Relu(),
        Linear.create(HIDDEN, HIDDEN, k[1]), new Relu(), Linear.create(HIDDEN, OUT, k[2])))
        .freeze();
  }

  /** LoRA rank 4 on a frozen MLP 16 → 256 → 256 → 4, whose base is 16× its adapters. */
  static Net wideLora(long seed) {
    Key[] k = Key.of(seed).split(3);
    return Net.of(Sequential.of(Linear.create(IN, 256, k[0]), new Relu(),
        Linear.create(256, 256, k[1]), new Relu(), Linear.create(256, OUT, k[2])))
        .freeze().lora(LoraSpec.builder().rank(4).alpha(8).seed(seed).build());
  }

  static Net lora(long seed) {
    return base(seed).lora(LoraSpec.builder().rank(4).alpha(8).seed(seed).build());
  }

  static Net lora(long seed, double dropout) {
    return base(seed).lora(LoraSpec.builder().rank(4).alpha(8).seed(seed).dropout(dropout)
        .build());
  }

  static Net dora(long seed) {
    return base(seed).lora(LoraSpec.builder().rank(4).alpha(8).seed(seed)
        .wrappers(List.of(DoRALinear.FACTORY)).build());
  }

  static Net vera(long seed) {
    return base(seed).lora(LoraSpec.builder().rank(8).alpha(8).seed(seed)
        .wrappers(List.of(VeRALinear.FACTORY)).build());
  }

  /** {@code count} regression batches of {@code rows} rows: y = tanh(x·W) for a fixed W. */
  static List<Batch> batches(long seed, int count, int rows) {
    Key[] k = Key.of(seed).split(2);
    Tensor x = Random.normal(k[0], count * rows, IN);
    Tensor y = x.matmul(Random.normal(k[1], IN, OUT)).tanh();
    return Batch.split(x, y, rows);
  }
}
