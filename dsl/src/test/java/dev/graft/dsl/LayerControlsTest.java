package dev.graft.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.ZooLaws;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Relu;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.tree.Mask;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import org.junit.jupiter.api.Test;

/**
 * kizzasi's layer-level controls on a selection of layers: merge, unmerge, disable, enable, the
 * state and the counts of one layer; and PEFT's safe merge, which refuses non-finite weights.
 */
class LayerControlsTest {
  private static final Path L0 = Path.of("layers/0");
  private static final Path L2 = Path.of("layers/2");
  private static final Path L4 = Path.of("layers/4");
  private static final Tensor X = Random.normal(Key.of(9), 5, 6);

  private static Net trained() {
    Key[] k = Key.of(1).split(3);
    Sequential model = Sequential.of(Linear.create(6, 8, k[0]), new Relu(),
        Linear.create(8, 8, k[1]), new Relu(), Linear.create(8, 3, k[2]));
    return ZooLaws.perturbed(Net.of(model).freeze().lora(2, 4.0), 3, 0.3f);
  }

  private static void close(Tensor a, Tensor b) {
    assertTrue(a.allClose(b, 1e-5, 1e-5), a + " vs " + b);
  }

  @Test
  void mergeAndUnmergeOneLayer() {
    Net net = trained();
    Net one = net.merge(Mask.of("layers/2"));
    assertInstanceOf(Linear.class, Tree.get(one.module(), L2));
    assertInstanceOf(LoRAAdapter.class, Tree.get(one.module(), L0));
    assertEquals(AdapterState.MERGED, one.adapterState(L2));
    assertEquals(AdapterState.ACTIVE, one.adapterState(L0));
    assertTrue(one.isMerged());
    close(net.apply(X), one.apply(X));
    // the rest merges later; unmerging one layer leaves the others merged
    Net all = one.merge();
    assertEquals(AdapterState.MERGED, all.adapterState(L0));
    assertTrue(all.adapters().isEmpty());
    Net back0 = all.unmerge(Mask.regex("layers/0"));
    assertEquals(AdapterState.ACTIVE, back0.adapterState(L0));
    assertEquals(AdapterState.MERGED, back0.adapterState(L4));
    assertEquals(net.module(), back0.unmerge().module());
    assertEquals(net.module(), one.unmerge(Mask.of("layers/2")).module());
    assertFalse(one.unmerge(Mask.of("layers/2")).isMerged());
    assertEquals(net.trainablePaths(), all.unmerge().trainablePaths());
  }

  @Test
  void disableAndEnableOneLayer() {
    Net net = trained();
    Net off = net.disableAdapters(Mask.modules("4"));
    assertEquals(AdapterState.DISABLED, off.adapterState(L4));
    assertEquals(AdapterState.ACTIVE, off.adapterState(L2));
    assertEquals(((LoRAAdapter) Tree.get(net.module(), L4)).base(), Tree.get(off.module(), L4));
    assertEquals(net.module(), off.enableAdapters(Mask.of("layers/4")).module());
    assertEquals(net.module(), off.enableAdapters().module());
    // states do not mix: a net with merged layers cannot disable others, and back
    var mixed = assertThrows(IllegalStateException.class,
        () -> net.merge(Mask.of("layers/0")).disableAdapters(Mask.of("layers/2")));
    assertTrue(mixed.getMessage().contains("merged"), mixed.getMessage());
    assertThrows(IllegalStateException.class, () -> off.merge(Mask.of("layers/0")));
  }

  @Test
  void selectionsThatPickNothingAreRefused() {
    Net net = trained();
    var none = assertThrows(IllegalArgumentException.class,
        () -> net.merge(Mask.regex(".*/bias").and(Mask.regex("layers/9.*"))));
    assertTrue(none.getMessage().contains("layers/0"), none.getMessage());
    Net one = net.merge(Mask.of("layers/2"));
    var notParked = assertThrows(IllegalArgumentException.class,
        () -> one.unmerge(Mask.of("layers/0")));
    assertTrue(notParked.getMessage().contains("layers/2"), notParked.getMessage());
    var noAdapter = assertThrows(IllegalArgumentException.class,
        () -> net.adapterState(Path.of("layers/1")));
    assertTrue(noAdapter.getMessage().contains("layers/1"), noAdapter.getMessage());
  }

  @Test
  void adaptersCannotBeSavedWhileSomeAreSetAside(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) {
    Net net = trained();
    var merged = assertThrows(IllegalStateException.class,
        () -> net.merge(Mask.of("layers/0")).saveAdapter(dir.resolve("a")));
    assertTrue(merged.getMessage().contains("call unmerge() first"), merged.getMessage());
    var disabled = assertThrows(IllegalStateException.class,
        () -> net.disableAdapters(Mask.of("layers/0")).saveAdapter(dir.resolve("a")));
    assertTrue(disabled.getMessage().contains("call enableAdapters() first"),
        disabled.getMessage());
    net.saveAdapter(dir.resolve("a"));
    var load = assertThrows(IllegalStateException.class,
        () -> net.merge(Mask.of("layers/2")).loadAdapter(dir.resolve("a")));
    assertTrue(load.getMessage().contains("call unmerge() first"), load.getMessage());
  }

  @Test
  void countsPerLayer() {
    Net net = trained();
    LoRAAdapter first = (LoRAAdapter) Tree.get(net.module(), L0);
    assertEquals(2 * (6 + 8), first.trainableCount());
    assertEquals(2 * (6 + 8) + 6 * 8 + 8, first.totalCount());
    assertEquals(first.trainableCount(), net.trainableCount(Mask.of("layers/0")));
    assertEquals(net.trainableCount(), net.trainableCount(Mask.all()));
  }

  @Test
  void mergeRefusesNonFiniteWeightsNamingTheLayer() {
    Net net = trained();
    LoRAAdapter mid = (LoRAAdapter) Tree.get(net.module(), L2);
    float[] b = mid.loraB().toArray();
    b[3] = Float.NaN;
    Net nan = net.withModule(Tree.set(net.module(), L2.child("loraB"), Tensor.of(b, 8, 2)));
    var e = assertThrows(IllegalStateException.class, nan::merge);
    assertTrue(e.getMessage().contains("'layers/2'") && e.getMessage().contains("LoRAAdapter")
        && e.getMessage().contains("weight") && e.getMessage().contains("merge(mask, false)"),
        e.getMessage());
    // the other layers still merge, and the opt-out merges the NaN as it is
    assertEquals(AdapterState.MERGED, nan.merge(Mask.of("layers/0")).adapterState(L0));
    Net unsafe = nan.merge(Mask.all(), false);
    assertTrue(Float.isNaN(((Linear) Tree.get(unsafe.module(), L2)).weight().toArray()[3 * 8]
        + ((Linear) Tree.get(unsafe.module(), L2)).weight().sum().item()));
    // an overflowing product: finite factors, infinite weight
    Tensor huge = Tensor.full(1e20f, 8, 2);
    Net overflow = net.withModule(Tree.set(Tree.set(net.module(), L2.child("loraB"), huge),
        L2.child("loraA"), Tensor.full(1e20f, 2, 8)));
    var o = assertThrows(IllegalStateException.class, () -> overflow.merge(Mask.of("layers/2")));
    assertTrue(o.getMessage().contains("Infinity"), o.getMessage());
  }
}
