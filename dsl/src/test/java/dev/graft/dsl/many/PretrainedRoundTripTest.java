package dev.graft.dsl.many;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.AdapterSet;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.many.ManyFixtures.Kind;
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
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every zoo kind, on Linear and on Conv layers, under several names at once: {@code saveAdapter}
 * writes PEFT's layout (the default at the root, the others in subfolders) and {@code
 * fromPretrained} on the bare model builds an equal net: same names, the same adapters tensor for
 * tensor, the model's own base tensors, equal forwards.
 */
class PretrainedRoundTripTest {
  @TempDir
  java.nio.file.Path dir;

  static Stream<Kind> zoo() {
    return ManyFixtures.ZOO.stream();
  }

  static Mlp mlp() {
    return Mlp.create(new int[] {6, 4, 4, 2}, Activation.RELU, Key.of(1));
  }

  /** Conv2d 2→4 (3×3), ReLU, Conv2d 4→6 (2×2), Conv1d 2→4: not chained, compared as trees. */
  static Sequential convs() {
    Key k = Key.of(2);
    return Sequential.of(Conv2d.create(2, 4, 3, k.foldIn(0)), new Relu(),
        Conv2d.create(4, 6, 2, k.foldIn(1)), Conv1d.create(2, 4, 3, k.foldIn(2)));
  }

  @ParameterizedTest(name = "{0} on Linear")
  @MethodSource("zoo")
  void linearRoundTrip(Kind kind) {
    Mlp model = mlp();
    Net back = roundTrip(kind, model, "^layers/(0|1)$", "^layers/(1|2)$");
    Tensor x = Random.normal(Key.of(5), 3, 6);
    for (String name : back.adapterNames()) {
      assertArrayEquals(saved.activate(name).apply(x).toArray(),
          back.activate(name).apply(x).toArray(), 0f, kind + ": forward of '" + name + "'");
    }
  }

  @ParameterizedTest(name = "{0} on Conv")
  @MethodSource("zoo")
  void convRoundTrip(Kind kind) {
    roundTrip(kind, convs(), "^layers/(0|2)$", "^layers/(2|3)$");
  }

  @ParameterizedTest(name = "{0} alone as default")
  @MethodSource("zoo")
  void aLoneDefaultComesBackAsTheBareTree(Kind kind) {
    Mlp model = mlp();
    Net net = ManyFixtures.perturbAll(Net.of(model).freeze()
        .lora(ManyFixtures.spec(kind, "^layers/(0|2)$", 7, 3.0)), 9);
    net.saveAdapter(dir);
    Net back = Net.fromPretrained(model, dir);
    assertEquals(List.of(AdapterSet.DEFAULT), back.adapterNames());
    Tensor x = Random.normal(Key.of(5), 3, 6);
    assertArrayEquals(net.apply(x).toArray(), back.apply(x).toArray(), 0f);
    boolean residual = kind.name().equals("PiSSA") || kind.name().equals("MiLoRA");
    if (!residual) {
      assertTrue(Tree.equals(net.module(), back.module()), kind + ": the bare tree again");
      assertEquals(net.trainablePaths(), back.trainablePaths());
      return;
    }
    // The SVD residual kinds come back as sets, which keep the original weights (the bare form
    // has only the residual), with the very same adapters.
    Map<String, Map<Path, LoraWrapper>> want = SharingPropertyTest.adaptersByName(net);
    Map<String, Map<Path, LoraWrapper>> got = SharingPropertyTest.adaptersByName(back);
    for (Map.Entry<Path, LoraWrapper> e : want.get(AdapterSet.DEFAULT).entrySet()) {
      assertTrue(Tree.equals(e.getValue(), got.get(AdapterSet.DEFAULT).get(e.getKey())));
      assertSame(Tree.leaf(model, e.getKey().child("weight")),
          Tree.leaf(back.module(), e.getKey().child("base").child("weight")));
    }
  }

  private Net saved;

  private Net roundTrip(Kind kind, Layer model, String target, String other) {
    Net net = Net.of(model).freeze()
        .lora(AdapterSet.DEFAULT, ManyFixtures.spec(kind, target, 3, 4.0))
        .lora("alt", ManyFixtures.spec(kind, other, 4, 2.0))
        .lora("plain", ManyFixtures.spec(ManyFixtures.ZOO.get(0), other, 5, 8.0));
    net = ManyFixtures.perturbAll(net, 17);
    saved = net;
    net.saveAdapter(dir);
    assertTrue(Files.isRegularFile(dir.resolve("adapter_config.json")));
    assertTrue(Files.isRegularFile(dir.resolve("alt").resolve("adapter_model.safetensors")));
    assertTrue(Files.isRegularFile(dir.resolve("plain").resolve("adapter_config.json")));

    Net back = Net.fromPretrained(model, dir);
    assertEquals(List.of(AdapterSet.DEFAULT, "alt", "plain"), back.adapterNames());
    Map<String, Map<Path, LoraWrapper>> want = SharingPropertyTest.adaptersByName(net);
    Map<String, Map<Path, LoraWrapper>> got = SharingPropertyTest.adaptersByName(back);
    assertEquals(want.keySet(), got.keySet());
    for (String name : want.keySet()) {
      assertEquals(want.get(name).keySet(), got.get(name).keySet(), kind + " '" + name + "'");
      for (Map.Entry<Path, LoraWrapper> e : want.get(name).entrySet()) {
        assertTrue(Tree.equals(e.getValue(), got.get(name).get(e.getKey())),
            kind + ": adapter '" + name + "' at '" + e.getKey() + "'");
      }
    }
    // Tensors shared across layers (VeRA's projections) are shared again.
    int shared = 0;
    for (String name : want.keySet()) {
      List<Map.Entry<Path, LoraWrapper>> w = List.copyOf(want.get(name).entrySet());
      for (int i = 0; i < w.size(); i++) {
        for (int j = i + 1; j < w.size(); j++) {
          Map<Path, Tensor> a = Tree.leavesByPath(w.get(i).getValue());
          Map<Path, Tensor> b = Tree.leavesByPath(w.get(j).getValue());
          Map<Path, Tensor> ga = Tree.leavesByPath(got.get(name).get(w.get(i).getKey()));
          Map<Path, Tensor> gb = Tree.leavesByPath(got.get(name).get(w.get(j).getKey()));
          for (Path p : a.keySet()) {
            if (!p.segment(0).equals("base") && a.get(p) == b.get(p)) {
              assertSame(ga.get(p), gb.get(p), kind + ": '" + name + "' shares " + p);
              shared++;
            }
          }
        }
      }
    }
    assertEquals(kind.name().equals("VeRA"), shared > 0, "shared tensors: " + shared);
    // The bases are the model's own tensors.
    for (Map.Entry<Path, LoraWrapper> e : back.adapters().entrySet()) {
      Layer base = ((AdapterSet) e.getValue()).base();
      List<Tensor> original = Tree.leaves((Layer) Tree.get(model, e.getKey()));
      for (int i = 0; i < original.size(); i++) {
        assertSame(original.get(i), Tree.leaves(base).get(i));
      }
    }
    // The default is active, and trains; the others are frozen.
    assertEquals(List.of(AdapterSet.DEFAULT), ((AdapterSet) back.adapters().values().iterator()
        .next()).active());
    assertEquals(net.activate(AdapterSet.DEFAULT).trainablePaths(), back.trainablePaths());
    return back;
  }
}
