package dev.graft.dsl.io;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.AdapterFactory;
import dev.graft.dsl.lora.DoRAConv;
import dev.graft.dsl.lora.DoRALinear;
import dev.graft.dsl.lora.IA3Conv;
import dev.graft.dsl.lora.IA3Linear;
import dev.graft.dsl.lora.LoKrConv;
import dev.graft.dsl.lora.LoKrLinear;
import dev.graft.dsl.lora.LoRAConv;
import dev.graft.dsl.lora.LoRAFAConv;
import dev.graft.dsl.lora.LoRAFALinear;
import dev.graft.dsl.lora.LoRALinear;
import dev.graft.dsl.lora.MiLoRAConv;
import dev.graft.dsl.lora.MiLoRALinear;
import dev.graft.dsl.lora.PiSSAConv;
import dev.graft.dsl.lora.PiSSALinear;
import dev.graft.dsl.lora.RsLoRAConv;
import dev.graft.dsl.lora.RsLoRALinear;
import dev.graft.dsl.lora.LoRAXSConv;
import dev.graft.dsl.lora.LoRAXSLinear;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.lora.OFTConv;
import dev.graft.dsl.lora.OFTLinear;
import dev.graft.dsl.lora.VeRAConv;
import dev.graft.dsl.lora.VeRALinear;
import dev.graft.dsl.nn.Activation;
import dev.graft.dsl.nn.Conv1d;
import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.nn.Relu;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;

/** Models, adapter kinds and perturbations shared by the checkpoint tests. */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
final class CheckpointFixtures {
  private CheckpointFixtures() {}

  /**
   * One zoo adapter as the tests use it: its factories for Linear and Conv, a rank every test
   * layer accepts, the {@code peft_type} saved for it on Linear and on Conv ({@link #GRAFT}
   * where PEFT has no same-meaning form), the key suffixes of its saved tensors per layer, and
   * the keys saved once for all layers.
   */
  record Zoo(String name, AdapterFactory linear, AdapterFactory conv, int rank, String peftType,
      String convPeftType, List<String> suffixes, List<String> sharedKeys) {
    Zoo(String name, AdapterFactory linear, AdapterFactory conv, int rank, String peftType,
        List<String> suffixes) {
      this(name, linear, conv, rank, peftType, peftType, suffixes, List.of());
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The {@code peft_type} of a Graft-only directory, which PEFT refuses by name. */
  static final String GRAFT = AdapterKinds.GRAFT;

  /** Every zoo class pair. */
  static List<Zoo> zoo() {
    List<String> ab = List.of("lora_A.weight", "lora_B.weight");
    return List.of(
        new Zoo("LoRA", LoRALinear.FACTORY, LoRAConv.FACTORY, 2, "LORA", ab),
        new Zoo("RsLoRA", RsLoRALinear.FACTORY, RsLoRAConv.FACTORY, 2, "LORA", ab),
        new Zoo("LoRAFA", LoRAFALinear.FACTORY, LoRAFAConv.FACTORY, 2, "LORA", ab),
        new Zoo("DoRA", DoRALinear.FACTORY, DoRAConv.FACTORY, 2, "LORA",
            List.of("lora_A.weight", "lora_B.weight", "lora_magnitude_vector")),
        new Zoo("PiSSA", PiSSALinear.FACTORY, PiSSAConv.FACTORY, 2, "LORA", ab),
        new Zoo("MiLoRA", MiLoRALinear.FACTORY, MiLoRAConv.FACTORY, 2, GRAFT, ab),
        new Zoo("LoRAXS", LoRAXSLinear.FACTORY, LoRAXSConv.FACTORY, 2, GRAFT,
            List.of("lora_R.weight")),
        new Zoo("VeRA", VeRALinear.FACTORY, VeRAConv.FACTORY, 2, "VERA", GRAFT,
            List.of("vera_lambda_b", "vera_lambda_d"),
            List.of("base_model.vera_A", "base_model.vera_B")),
        new Zoo("IA3", IA3Linear.FACTORY, IA3Conv.FACTORY, 2, "IA3", List.of("ia3_l")),
        new Zoo("LoKr", LoKrLinear.FACTORY, LoKrConv.FACTORY, 2, GRAFT,
            List.of("lokr_w1", "lokr_w2")),
        new Zoo("OFT", OFTLinear.FACTORY, OFTConv.FACTORY, 2, GRAFT, List.of("oft_r")));
  }

  /** A small MLP: layers 6→4→4→2 (Linear layers at {@code layers/0..2}). */
  static Mlp mlp(long seed) {
    return Mlp.create(new int[] {6, 4, 4, 2}, Activation.RELU, Key.of(seed));
  }

  /**
   * Convolutions of every rank an adapter takes: Conv2d 2→4 (3×3), ReLU, Conv2d 4→6 (2×2), and a
   * Conv1d 2→4 (kernel 3) at {@code layers/3}; all flat inputs are even, so OFT with blocks of 2
   * applies. Not meant to run forward (the Conv1d does not chain).
   */
  static Sequential convs(long seed) {
    Key k = Key.of(seed);
    return Sequential.of(Conv2d.create(2, 4, 3, k.foldIn(0)), new Relu(),
        Conv2d.create(4, 6, 2, k.foldIn(1)), Conv1d.create(2, 4, 3, k.foldIn(2)));
  }

  /** {@code model} frozen and wrapped by {@code factory} everywhere it applies. */
  static Net adapted(Layer model, AdapterFactory factory, int rank, double alpha) {
    return Net.of(model).freeze().lora(LoraSpec.builder().rank(rank).alpha(alpha).seed(11)
        .wrappers(List.of(factory)).build());
  }

  /** {@code net} with noise added to every trainable leaf, trainability kept. */
  static Net perturbed(Net net, long seed) {
    Layer m = net.module();
    int i = 0;
    for (Path p : net.trainablePaths()) {
      Tensor t = Tree.leaf(m, p);
      m = Tree.set(m, p, t.plus(Random.normal(Key.of(seed).foldIn(i++), t.shape()).times(0.3f)));
    }
    return net.withModule(m);
  }

  /** A deep copy: the same tree with every leaf a fresh tensor of equal values. */
  static Layer copy(Layer m) {
    return Tree.map(m, t -> Tensor.of(t.toArray(), t.shape()));
  }
}
