package dev.graft.dsl.many;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Combined;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.AdapterSet;
import dev.graft.dsl.lora.DoRAAdapter;
import dev.graft.dsl.lora.DoRALinear;
import dev.graft.dsl.lora.IA3Linear;
import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.LoRALinear;
import dev.graft.dsl.lora.PiSSAAdapter;
import dev.graft.dsl.lora.PiSSALinear;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.nn.Activation;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.optim.Sgd;
import dev.graft.dsl.train.Batch;
import dev.graft.dsl.train.Losses;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The named-adapter API case by case: forms, errors, merge, training, combine, hot-swap. */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class ManyAdaptersTest {
  @TempDir
  java.nio.file.Path dir;

  static final Mlp MODEL = Mlp.create(new int[] {6, 8, 8, 3}, Activation.TANH, Key.of(3));
  static final Tensor X = Random.normal(Key.of(4), 5, 6);

  static LoraSpec lora(int rank, long seed) {
    return LoraSpec.builder().rank(rank).alpha(2.0 * rank).seed(seed).build();
  }

  static LoraSpec kind(dev.graft.dsl.lora.AdapterFactory f, String target) {
    return LoraSpec.builder().rank(2).alpha(4).target(target).wrappers(List.of(f)).build();
  }

  /** Two sets on overlapping layers, trained-looking (perturbed). */
  static Net two() {
    Net net = Net.of(MODEL).freeze().lora("a", kind(LoRALinear.FACTORY, "layers/(0|1)"))
        .lora("b", kind(LoRALinear.FACTORY, "layers/(1|2)"));
    return ManyFixtures.perturbAll(net, 1);
  }

  @Test
  void theUnnamedAndTheNamedDefaultBuildTodaysTree() {
    Net unnamed = Net.of(MODEL).freeze().lora(4, 8.0);
    Net named = Net.of(MODEL).freeze().lora(AdapterSet.DEFAULT, LoraSpec.of(4, 8.0));
    assertTrue(Tree.equals(unnamed.module(), named.module()));
    assertEquals(unnamed.trainablePaths(), named.trainablePaths());
    assertEquals(Path.of("layers/0/loraA"), named.trainablePaths().get(0));
    assertEquals(List.of(AdapterSet.DEFAULT), unnamed.adapterNames());
    assertEquals(List.of(), Net.of(MODEL).adapterNames());
  }

  @Test
  void aSecondNameMakesSetsAndDeletingItGivesTheBareTreeBack() {
    Net one = ManyFixtures.perturbAll(Net.of(MODEL).freeze().lora(lora(2, 1)), 5);
    Net both = one.lora("b", lora(3, 2));
    assertEquals(List.of(AdapterSet.DEFAULT, "b"), both.adapterNames());
    AdapterSet set = assertInstanceOf(AdapterSet.class, Tree.get(both.module(), Path.of("layers/0")));
    assertEquals(List.of("b"), set.active());
    assertSame(Tree.get(one.module(), Path.of("layers/0")), set.adapters().get(AdapterSet.DEFAULT));
    assertTrue(both.trainablePaths().stream().allMatch(p -> p.toString().contains("adapters/b/")));

    Net back = both.deleteAdapter("b").activate(AdapterSet.DEFAULT);
    assertTrue(Tree.equals(one.module(), back.module()));
    assertEquals(one.trainablePaths(), back.trainablePaths());
    assertArrayEquals(one.apply(X).toArray(), back.apply(X).toArray(), 0f);
    assertEquals(List.of(), back.deleteAdapter(AdapterSet.DEFAULT).adapterNames());
    assertTrue(Tree.equals(MODEL, back.deleteAdapter(AdapterSet.DEFAULT).module()));
  }

  @Test
  void badNamesAreRefusedNamingTheNet() {
    Net net = two();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> net.lora("a", lora(2, 0)))
        .getMessage().contains("already has an adapter named 'a'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> net.lora("x/y", lora(2, 0)))
        .getMessage().contains("cannot name an adapter"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> net.lora("__base__", lora(2, 0)))
        .getMessage().contains("cannot name an adapter"));
    String m = assertThrows(IllegalArgumentException.class, () -> net.activate("a", "c"))
        .getMessage();
    assertTrue(m.contains("no adapter named 'c'") && m.contains("[a, b]"), m);
    assertThrows(IllegalArgumentException.class, () -> net.activate("a", "a"));
    assertThrows(IllegalArgumentException.class, () -> net.deleteAdapter("zzz"));
    assertThrows(IllegalStateException.class, () -> net.merge().activate("a"));
  }

  @Test
  void severalActiveAddTheirContributions() {
    Net net = two();
    Tensor base = net.activate().apply(X);
    assertArrayEquals(MODEL.apply(X).toArray(), base.toArray(), 0f);
    // Layer 1 holds both: with both active its output is base + Δa + Δb.
    Net both = net.activate("a", "b");
    AdapterSet l1 = (AdapterSet) Tree.get(both.module(), Path.of("layers/1"));
    Tensor h = Random.normal(Key.of(8), 4, 8);
    Tensor want = l1.base().apply(h)
        .plus(l1.adapters().get("a").apply(h).minus(l1.base().apply(h)))
        .plus(l1.adapters().get("b").apply(h).minus(l1.base().apply(h)));
    assertArrayEquals(want.toArray(), l1.apply(h).toArray(), 1e-5f);
  }

  @Test
  void mergeFoldsTheActiveAdaptersAndUnmergeRestoresBitForBit() {
    Net both = two().activate("a", "b");
    Net merged = both.merge();
    assertInstanceOf(Linear.class, Tree.get(merged.module(), Path.of("layers/1")));
    assertArrayEquals(both.apply(X).toArray(), merged.apply(X).toArray(), 1e-5f);
    Net back = merged.unmerge();
    assertTrue(Tree.equals(both.module(), back.module()));
    assertSame(Tree.get(both.module(), Path.of("layers/1")),
        Tree.get(back.module(), Path.of("layers/1")));
    assertEquals(List.of("a", "b"), back.adapterNames());
    assertEquals(List.of("a", "b"), merged.adapterNames());
    assertEquals(List.of("a", "b"), both.disableAdapters().adapterNames());
    Net onlyB = two().activate("b").merge();
    assertSame(MODEL.layers().get(0), Tree.get(onlyB.module(), Path.of("layers/0")),
        "a layer only the inactive set adapts merges to its own base");
  }

  @Test
  void fitTrainsOnlyTheActiveAdapters() {
    Net net = two().activate("b");
    Tensor y = Random.normal(Key.of(9), 5, 3);
    Net trained = net.fit(List.of(new Batch(X, y)), (m, b) -> Losses.mse(m.apply(b.inputs()),
        b.targets()), Sgd.of(0.1), 3);
    Map<String, Map<Path, LoraWrapper>> before = SharingPropertyTest.adaptersByName(net);
    Map<String, Map<Path, LoraWrapper>> after = SharingPropertyTest.adaptersByName(trained);
    for (Map.Entry<Path, LoraWrapper> e : before.get("a").entrySet()) {
      LoraWrapper w = after.get("a").get(e.getKey());
      for (String f : w.adapterFields()) {
        assertSame(Tree.leaf(e.getValue(), Path.of(f)), Tree.leaf(w, Path.of(f)), "a moved");
      }
    }
    for (Map.Entry<Path, LoraWrapper> e : before.get("b").entrySet()) {
      assertFalse(Tree.equals(e.getValue(), after.get("b").get(e.getKey())), "b did not train");
    }
    assertTrue(Losses.mse(trained.apply(X), y).item() < Losses.mse(net.apply(X), y).item());
  }

  @Test
  void combineRefusesKindsItCannotAddNamingLayersAndKinds() {
    Net net = Net.of(MODEL).freeze().lora("a", kind(LoRALinear.FACTORY, "layers/0"))
        .lora("d", kind(DoRALinear.FACTORY, "layers/(0|2)"))
        .lora("i", kind(IA3Linear.FACTORY, "layers/1"));
    String m = assertThrows(IllegalArgumentException.class,
        () -> net.combine("mix", Map.of("a", 1.0, "d", 1.0))).getMessage();
    assertTrue(m.contains("'d' at 'layers/0' (DoRAAdapter)") && m.contains("'d' at 'layers/2'")
        && m.contains("svd"), m);
    assertFalse(m.contains("'a' at"), m);
    assertThrows(IllegalArgumentException.class,
        () -> net.combine("mix", Map.of("a", Double.NaN)));
    assertThrows(IllegalArgumentException.class, () -> net.combine("a", Map.of("a", 1.0)));
    assertEquals(List.of("a", "d", "i"), net.adapterNames(), "nothing half-applied");
    // The svd combination takes any kind whose merge changes only the weight.
    Combined svd = net.combine("mix", Map.of("d", 0.5, "i", 2.0), 8);
    assertTrue(svd.maxDiscardedEnergy() < 1e-6, svd.discardedEnergy().toString());
    Net mix = svd.net().activate("mix");
    for (int i = 0; i < 3; i++) {
      Path at = Path.of("layers").child(i);
      AdapterSet set = (AdapterSet) Tree.get(net.module(), at);
      Tensor w0 = ((Linear) set.base()).weight();
      Tensor expected = w0;
      for (Map.Entry<String, Double> e : Map.of("d", 0.5, "i", 2.0).entrySet()) {
        LoraWrapper a = set.adapters().get(e.getKey());
        if (a != null) {
          expected = expected.plus(((Linear) a.merge()).weight().minus(w0)
              .times((float) (double) e.getValue()));
        }
      }
      Linear got = (Linear) ((AdapterSet) Tree.get(mix.module(), at)).merge();
      assertArrayEquals(expected.toArray(), got.weight().toArray(), 1e-4f, at.toString());
    }
    assertEquals(3, svd.discardedEnergy().size());
  }

  @Test
  void svdReportsTheEnergyItDiscards() {
    Net net = Net.of(MODEL).freeze().lora("a", kind(LoRALinear.FACTORY, "layers/1"))
        .lora("b", kind(LoRALinear.FACTORY, "layers/1"));
    net = ManyFixtures.perturbAll(net, 3);
    Map<String, Double> w = new LinkedHashMap<>();
    w.put("a", 1.0);
    w.put("b", -0.5);
    Net exact = net.combine("cat", w).activate("cat");
    Combined cut = net.combine("svd", w, 1);
    double reported = cut.discardedEnergy().get(Path.of("layers/1"));
    AdapterSet set = (AdapterSet) Tree.get(exact.module(), Path.of("layers/1"));
    Tensor full = ((Linear) set.merge()).weight().minus(((Linear) set.base()).weight());
    AdapterSet cutSet = (AdapterSet) Tree.get(cut.net().activate("svd").module(),
        Path.of("layers/1"));
    Tensor approx = ((Linear) cutSet.merge()).weight().minus(((Linear) cutSet.base()).weight());
    double lost = approx.minus(full).square().sum().item() / full.square().sum().item();
    assertTrue(reported > 1e-4, "rank 4 cut to 1 must lose something: " + reported);
    assertEquals(lost, reported, 1e-4);
    assertEquals(1, ((LoRAAdapter) cutSet.adapters().get("svd")).loraA().dim(0));
    assertEquals(4, ((LoRAAdapter) set.adapters().get("cat")).loraA().dim(0));
  }

  @Test
  void hotSwapCopiesOnlyTheAdapterLeaves() {
    Net net = two();
    Net donor = ManyFixtures.perturbAll(net, 99);
    donor.saveAdapter(dir);
    Net swapped = net.hotSwap("b", dir.resolve("b"));
    Map<Path, Tensor> before = Tree.leavesByPath(net.module());
    Map<Path, Tensor> after = Tree.leavesByPath(swapped.module());
    assertEquals(before.keySet(), after.keySet());
    int replaced = 0;
    for (Map.Entry<Path, Tensor> e : before.entrySet()) {
      boolean field = e.getKey().toString().matches(".*/adapters/b/lora[AB]");
      if (field) {
        replaced++;
        assertNotSame(e.getValue(), after.get(e.getKey()));
      } else {
        assertSame(e.getValue(), after.get(e.getKey()), e.getKey() + " was copied");
      }
    }
    assertEquals(4, replaced);
    assertArrayEquals(donor.activate("b").apply(X).toArray(),
        swapped.activate("b").apply(X).toArray(), 0f);
    String m = assertThrows(RuntimeException.class, () -> net.hotSwap("a",
        dir.resolve("b"))).getMessage();
    assertTrue(m.contains("'layers/0'"), m);
  }

  @Test
  void hotSwapWorksOnTheLoneDefaultToo() {
    Net pissa = Net.of(MODEL).freeze().lora(kind(PiSSALinear.FACTORY, "layers/(0|1)"));
    Net donor = ManyFixtures.perturbAll(pissa, 5);
    donor.saveAdapter(dir);
    Net swapped = pissa.hotSwap(AdapterSet.DEFAULT, dir);
    assertTrue(Tree.equals(donor.module(), swapped.module()));
    assertSame(Tree.leaf(pissa.module(), Path.of("layers/0/base/weight")),
        Tree.leaf(swapped.module(), Path.of("layers/0/base/weight")));
  }

  @Test
  void loadAdapterReadsEverySetFromItsFolder() {
    Net net = two();
    net.saveAdapter(dir);
    Net trained = ManyFixtures.perturbAll(net, 77);
    trained.saveAdapter(dir.resolve("t"));
    Net back = net.loadAdapter(dir.resolve("t"));
    assertTrue(Tree.equals(trained.module(), back.module()));
  }

  @Test
  void anUnnamedResidualAdapterCannotShareItsLayer() {
    Net pissa = Net.of(MODEL).freeze().lora(kind(PiSSALinear.FACTORY, "layers/0"));
    String m = assertThrows(IllegalStateException.class, () -> pissa.lora("b", lora(2, 0)))
        .getMessage();
    assertTrue(m.contains("'layers/0'") && m.contains("PiSSAAdapter") && m.contains("name"), m);
    // Named from the start, it keeps the original layer and shares it.
    Net named = Net.of(MODEL).freeze().lora("p", kind(PiSSALinear.FACTORY, "layers/0"))
        .lora("b", lora(2, 0));
    AdapterSet s = (AdapterSet) Tree.get(named.module(), Path.of("layers/0"));
    assertSame(MODEL.layers().get(0), s.base());
    assertArrayEquals(MODEL.apply(X).toArray(), named.activate("p").apply(X).toArray(), 1e-5f);
  }

  @Test
  void mixedBatchRejectsBadRows() {
    Net net = two();
    assertThrows(IllegalArgumentException.class, () -> net.apply(X, List.of("a")));
    String m = assertThrows(IllegalArgumentException.class,
        () -> net.apply(X, List.of("a", "b", "a", "zz", "__base__"))).getMessage();
    assertTrue(m.contains("row 3") && m.contains("'zz'"), m);
    Tensor all = net.apply(X, List.of("__base__", "__base__", "__base__", "__base__",
        "__base__"));
    assertArrayEquals(MODEL.apply(X).toArray(), all.toArray(), 0f);
  }

  @Test
  void theUnnamedLoraExtendsTheDefaultInSetForm() {
    Net net = Net.of(MODEL).freeze().lora(kind(LoRALinear.FACTORY, "layers/0"))
        .lora("b", lora(2, 0)).lora(kind(LoRALinear.FACTORY, "layers/(0|2)"));
    AdapterSet s2 = (AdapterSet) Tree.get(net.module(), Path.of("layers/2"));
    assertEquals(List.of("b", AdapterSet.DEFAULT), List.copyOf(s2.adapters().keySet()));
    assertEquals(List.of(AdapterSet.DEFAULT, "b"), net.adapterNames());
  }
}
