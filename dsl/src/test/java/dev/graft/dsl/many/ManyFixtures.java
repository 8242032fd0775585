package dev.graft.dsl.many;

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
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;

/** Models, adapter kinds and helpers the many-adapter tests share. */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
final class ManyFixtures {
  private ManyFixtures() {}

  /** One zoo kind: its Linear and Conv factories. */
  record Kind(String name, AdapterFactory linear, AdapterFactory conv) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Every zoo kind. */
  static final List<Kind> ZOO = List.of(
      new Kind("LoRA", LoRALinear.FACTORY, LoRAConv.FACTORY),
      new Kind("RsLoRA", RsLoRALinear.FACTORY, RsLoRAConv.FACTORY),
      new Kind("LoRAFA", LoRAFALinear.FACTORY, LoRAFAConv.FACTORY),
      new Kind("DoRA", DoRALinear.FACTORY, DoRAConv.FACTORY),
      new Kind("PiSSA", PiSSALinear.FACTORY, PiSSAConv.FACTORY),
      new Kind("MiLoRA", MiLoRALinear.FACTORY, MiLoRAConv.FACTORY),
      new Kind("LoRAXS", LoRAXSLinear.FACTORY, LoRAXSConv.FACTORY),
      new Kind("VeRA", VeRALinear.FACTORY, VeRAConv.FACTORY),
      new Kind("IA3", IA3Linear.FACTORY, IA3Conv.FACTORY),
      new Kind("LoKr", LoKrLinear.FACTORY, LoKrConv.FACTORY),
      new Kind("OFT", OFTLinear.FACTORY, OFTConv.FACTORY));

  /** The low-rank family {@code cat} combines exactly. */
  static final List<Kind> LOW_RANK = ZOO.subList(0, 3);

  /** An MLP of random depth (2 to 4 Linear layers) and even widths 4 to 10. */
  static Mlp randomMlp(java.util.Random rnd) {
    int depth = 2 + rnd.nextInt(3);
    int[] widths = new int[depth + 1];
    for (int i = 0; i <= depth; i++) {
      widths[i] = 4 + 2 * rnd.nextInt(4);
    }
    return Mlp.create(widths, Activation.TANH, Key.of(rnd.nextLong()));
  }

  /** A spec of {@code kind} (rank 2) on the Linear layers whose index {@code target} finds. */
  static LoraSpec spec(Kind kind, String target, long seed, double alpha) {
    return LoraSpec.builder().rank(2).alpha(alpha).seed(seed).target(target)
        .wrappers(List.of(kind.linear(), kind.conv())).build();
  }

  /** A regex over {@code layers/i} picking a random non-empty subset of {@code n} layers. */
  static String randomTarget(java.util.Random rnd, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (rnd.nextBoolean()) {
        sb.append(sb.length() == 0 ? "" : "|").append(i);
      }
    }
    if (sb.length() == 0) {
      sb.append(rnd.nextInt(n));
    }
    return "^layers/(" + sb + ")$";
  }

  /** Every adapter's trainable leaves moved by noise, so no adapter is the identity. */
  static Net perturbAll(Net net, long seed) {
    List<String> names = net.adapterNames();
    Net out = net;
    int k = 0;
    for (String name : names) {
      Net one = out.activate(name);
      Layer m = one.module();
      for (Path p : one.trainablePaths()) {
        Tensor t = Tree.leaf(m, p);
        m = Tree.set(m, p, t.plus(Random.normal(Key.of(seed).foldIn(k++), t.shape())
            .times(0.3f)));
      }
      out = one.withModule(m);
    }
    return out;
  }

  /** The batch dimension's rows of {@code t} as arrays. */
  static float[] row(Tensor t, int i) {
    int width = (int) (t.size() / t.dim(0));
    float[] all = t.toArray();
    return java.util.Arrays.copyOfRange(all, i * width, (i + 1) * width);
  }
}
