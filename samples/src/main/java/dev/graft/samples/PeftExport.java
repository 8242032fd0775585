package dev.graft.samples;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.io.ModuleNames;
import dev.graft.dsl.io.Safetensors;
import dev.graft.dsl.lora.AdapterFactory;
import dev.graft.dsl.lora.DoRAAdapter;
import dev.graft.dsl.lora.IA3Adapter;
import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.LoRAFAAdapter;
import dev.graft.dsl.lora.MiLoRAAdapter;
import dev.graft.dsl.lora.PiSSAAdapter;
import dev.graft.dsl.lora.RsLoRAAdapter;
import dev.graft.dsl.lora.LoRAXSAdapter;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.lora.OFTAdapter;
import dev.graft.dsl.lora.PeftLoKrConv;
import dev.graft.dsl.lora.PeftLoKrLinear;
import dev.graft.dsl.lora.PeftOFTLinear;
import dev.graft.dsl.lora.VeRAAdapter;
import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.ConvOptions;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one adapter folder per kind, as {@code saveAdapter} saves it, for checking in Python
 * that Hugging Face PEFT reads each with the same meaning ({@code bench/peft_roundtrip.py}). The
 * model is {@code dec(relu(enc(x)))}, {@code enc = Linear(16, 12)}, {@code dec = Linear(12, 6)};
 * {@code <out>/base.safetensors} holds its weights under PyTorch's names, and each folder holds
 * the adapter (moved off its init by {@code 0.3·N(0, 1)}) and {@code io.safetensors} with an
 * input {@code x} and Graft's output {@code y}. Folders named {@code conv-*} adapt a model of one
 * {@code Conv2d(4, 6, 3, padding=1)} named {@code conv}, whose weights are in {@code
 * conv-base.safetensors}.
 *
 * <pre>{@code
 * mvn -B -q -pl samples -am compile exec:java -Dexec.mainClass=dev.graft.samples.PeftExport \
 *     -Dexec.args=/tmp/graft-peft
 * python3 bench/peft_roundtrip.py /tmp/graft-peft
 * }</pre>
 */
public final class PeftExport {
  private PeftExport() {}

  /** The two-layer model, with PyTorch's module names {@code enc} and {@code dec}. */
  public record Two(Layer enc, Layer dec) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return dec.apply(enc.apply(x).relu());
    }
  }

  /** Writes the folders under {@code args[0]}. */
  public static void main(String[] args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: PeftExport <output directory>");
    }
    java.nio.file.Path out = java.nio.file.Path.of(args[0]);
    Net base = Net.of(new Two(Linear.create(16, 12, Key.of(1)), Linear.create(12, 6, Key.of(2))));
    try {
      java.nio.file.Files.createDirectories(out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    writeWeights(base, out.resolve("base.safetensors"));
    Map<String, Net> kinds = new LinkedHashMap<>();
    kinds.put("lora", adapted(base, LoRAAdapter.FACTORY, 3, 5));
    kinds.put("rslora", adapted(base, RsLoRAAdapter.FACTORY, 3, 5));
    kinds.put("dora", adapted(base, DoRAAdapter.FACTORY, 3, 5));
    kinds.put("pissa", adapted(base, PiSSAAdapter.FACTORY, 3, 5));
    kinds.put("lorafa", adapted(base, LoRAFAAdapter.FACTORY, 3, 5));
    kinds.put("ia3", adapted(base, IA3Adapter.FACTORY, 3, 5));
    kinds.put("vera", adapted(base, VeRAAdapter.FACTORY, 3, 5));
    kinds.put("lokr", adapted(base, PeftLoKrLinear.FACTORY, 4, 5));
    kinds.put("lokr-r1", adapted(base, PeftLoKrLinear.FACTORY, 1, 5));
    kinds.put("lokr-both", adapted(base, PeftLoKrLinear.factory(true, -1), 1, 5));
    kinds.put("lokr-factor2", adapted(base, PeftLoKrLinear.factory(false, 2), 2, 5));
    kinds.put("oft", adapted(base, PeftOFTLinear.FACTORY, 4, 1));
    kinds.put("oft-exact-shared", adapted(base, PeftOFTLinear.factory(
        new PeftOFTLinear.Options(true, false, 5, false, 6e-5)), 4, 1));
    kinds.put("oft-coft", adapted(base, PeftOFTLinear.factory(
        new PeftOFTLinear.Options(false, true, 3, true, 0.05)), 2, 1));
    Net milora = adapted(base, MiLoRAAdapter.FACTORY, 3, 5);
    kinds.put("milora-as-lora", milora.relativeTo(base));
    // Graft-only: PEFT must refuse these.
    kinds.put("graft-only-milora", milora);
    kinds.put("graft-only-loraxs", adapted(base, LoRAXSAdapter.FACTORY, 3, 5));
    kinds.put("graft-only-zoo-oft", adapted(base, OFTAdapter.FACTORY, 4, 5));
    write(out, kinds, Random.normal(Key.of(5), 5, 16));

    // A convolution (folders named conv-*): Conv2d(4 -> 6, 3x3, padding 1), weights beside.
    Net conv = Net.of(new OneConv(Conv2d.create(4, 6, 3, ConvOptions.defaults().padding(1),
        Key.of(3))));
    writeWeights(conv, out.resolve("conv-base.safetensors"));
    Map<String, Net> convs = new LinkedHashMap<>();
    convs.put("conv-lora", adapted(conv, LoRAAdapter.FACTORY, 2, 5));
    convs.put("conv-lokr", adapted(conv, PeftLoKrConv.FACTORY, 4, 5));
    convs.put("conv-lokr-r1", adapted(conv, PeftLoKrConv.FACTORY, 1, 5));
    convs.put("conv-lokr-both", adapted(conv, PeftLoKrConv.factory(true, -1), 1, 5));
    write(out, convs, Random.normal(Key.of(6), 2, 4, 5, 5));
  }

  /** A model of one convolution named {@code conv}, as PyTorch would name it. */
  public record OneConv(Layer conv) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return conv.apply(x);
    }
  }

  private static void write(java.nio.file.Path out, Map<String, Net> kinds, Tensor x) {
    for (Map.Entry<String, Net> e : kinds.entrySet()) {
      java.nio.file.Path d = out.resolve(e.getKey());
      e.getValue().saveAdapter(d);
      Safetensors.write(d.resolve("io.safetensors"), Map.of("x", x, "y", e.getValue().apply(x)));
    }
  }

  private static void writeWeights(Net net, java.nio.file.Path file) {
    Map<String, Tensor> weights = new LinkedHashMap<>();         // PyTorch's state_dict names
    for (Path p : Tree.paths(net.module())) {
      weights.put(ModuleNames.dotted(p), Tree.leaf(net.module(), p));
    }
    Safetensors.write(file, weights);
  }

  /** {@code base} frozen and adapted, each trainable leaf moved by {@code 0.3·N(0, 1)}. */
  static Net adapted(Net base, AdapterFactory factory, int rank, double alpha) {
    Net net = base.freeze().lora(LoraSpec.builder().rank(rank).alpha(alpha)
        .wrappers(List.of(factory)).build());
    Layer m = net.module();
    int i = 0;
    for (Path p : net.trainablePaths()) {
      Tensor t = Tree.leaf(m, p);
      m = Tree.set(m, p, t.plus(Random.normal(Key.of(11).foldIn(i++), t.shape()).times(0.3f)));
    }
    return net.withModule(m);
  }
}
