package dev.graft.dsl.tree;

import static dev.graft.dsl.tree.TestModules.m;
import static dev.graft.dsl.tree.TestModules.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.TestModules.Block;
import dev.graft.dsl.tree.TestModules.Config;
import dev.graft.dsl.tree.TestModules.Custom;
import dev.graft.dsl.tree.TestModules.Dense;
import dev.graft.dsl.tree.TestModules.Grid;
import dev.graft.dsl.tree.TestModules.Relu;
import dev.graft.dsl.tree.TestModules.Seq;
import dev.graft.dsl.tree.TestModules.Wrapped;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Examples of reading, updating, comparing and printing trees. */
class TreeTest {
  private final Seq seq = TestModules.sample();

  private static List<String> strings(List<Path> paths) {
    List<String> out = new ArrayList<>();
    paths.forEach(p -> out.add(p.toString()));
    return out;
  }

  @Test
  void leafPathsFollowComponentListAndSortedMapOrder() {
    assertEquals(List.of("layers/0/weight", "layers/0/bias", "layers/1/fc/weight",
        "layers/1/norm/weight", "layers/1/norm/bias", "extras/alpha", "extras/zeta", "buffers/0",
        "buffers/1"), strings(Tree.paths(seq)));
  }

  @Test
  void leavesAlignWithPaths() {
    List<Path> paths = Tree.paths(seq);
    List<Tensor> leaves = Tree.leaves(seq);
    assertEquals(paths.size(), leaves.size());
    for (int i = 0; i < paths.size(); i++) {
      assertSame(Tree.get(seq, paths.get(i)), leaves.get(i));
    }
    assertEquals(paths, List.copyOf(Tree.leavesByPath(seq).keySet()));
    assertEquals(9, Tree.leafCount(seq));
    assertEquals(6 + 2 + 9 + 3 + 1 + 1 + 1 + 1 + 1, Tree.parameterCount(seq));
  }

  @Test
  void nodesListsEveryModuleInPreOrder() {
    assertEquals(List.of("", "layers/0", "layers/1", "layers/1/fc", "layers/1/norm", "layers/2"),
        strings(Tree.nodes(seq)));
    assertEquals(List.of("layers/0", "layers/1/fc", "layers/1/norm"),
        strings(Tree.nodes(seq, Dense.class)));
  }

  @Test
  void getReturnsLeavesAndNodes() {
    Block b = (Block) seq.layers().get(1);
    assertSame(b, Tree.get(seq, Path.of("layers/1")));
    assertSame(b.norm().bias(), Tree.leaf(seq, Path.of("layers/1/norm/bias")));
    assertSame(seq.layers(), Tree.get(seq, Path.of("layers")));
    assertSame(seq, Tree.get(seq, Path.root()));
  }

  @Test
  void setRebuildsOnlyThePathAndSharesTheRest() {
    Tensor fresh = m(3, 3, 100);
    Seq out = Tree.set(seq, Path.of("layers/1/fc/weight"), fresh);
    Block before = (Block) seq.layers().get(1);
    Block after = (Block) out.layers().get(1);
    assertSame(fresh, ((Dense) after.fc()).weight());
    assertNotSame(before, after);
    assertSame(before.norm(), after.norm());
    assertSame(seq.layers().get(0), out.layers().get(0));
    assertSame(seq.extras(), out.extras());
    assertSame(seq.buffers(), out.buffers());
    assertEquals(3, after.width());
    assertSame(before.scales(), after.scales());
    assertSame(before.act(), after.act());
  }

  @Test
  void settingTheSameObjectReturnsTheSameTree() {
    assertSame(seq, Tree.set(seq, Path.of("extras/zeta"), seq.extras().get("zeta")));
    assertSame(seq, Tree.update(seq, Path.of("layers/1"), x -> x));
  }

  @Test
  void setIntoMapAndListOfTensors() {
    Seq out = Tree.set(Tree.set(seq, Path.of("extras/alpha"), t(0)), Path.of("buffers/1"), t(3));
    assertEquals(t(0), out.extras().get("alpha"));
    assertSame(seq.extras().get("zeta"), out.extras().get("zeta"));
    assertEquals(List.of(t(7), t(3)), out.buffers());
  }

  @Test
  void wrappingAChildDeclaredAsModule() {
    Path fc = Path.of("layers/1/fc");
    Wrapped w = new Wrapped((Layer) Tree.get(seq, fc), t(1));
    assertTrue(Tree.accepts(seq, fc, w));
    Tree.checkAccepts(seq, fc, w);
    Seq out = Tree.update(seq, fc, old -> new Wrapped((Layer) old, t(1)));
    assertEquals(List.of("layers/0/weight", "layers/0/bias", "layers/1/fc/base/weight",
        "layers/1/fc/a", "layers/1/norm/weight", "layers/1/norm/bias", "extras/alpha",
        "extras/zeta", "buffers/0", "buffers/1"), strings(Tree.paths(out)));
  }

  @Test
  void componentTypesAreTheDeclaredOnes() {
    assertEquals(Layer.class, Tree.componentType(seq, Path.of("layers/1/fc")));
    assertEquals(Dense.class, Tree.componentType(seq, Path.of("layers/1/norm")));
    assertEquals(Layer.class, Tree.componentType(seq, Path.of("layers/0")));
    assertEquals(Tensor.class, Tree.componentType(seq, Path.of("extras/zeta")));
    assertEquals("java.util.List<dev.graft.dsl.tree.Layer>",
        Tree.componentType(seq, Path.of("layers")).getTypeName());
    assertEquals(Seq.class, Tree.componentType(seq, Path.root()));
    assertFalse(Tree.accepts(seq, Path.of("layers/1/norm"), new Relu()));
    assertFalse(Tree.accepts(seq, Path.of("layers/0/weight"), new Relu()));
  }

  @Test
  void mapAppliesToEveryLeafAndIdentityKeepsTheTree() {
    assertSame(seq, Tree.map(seq, x -> x));
    Seq zeros = Tree.map(seq, x -> Tensor.zeros(x.shape()));
    for (Tensor leaf : Tree.leaves(zeros)) {
      assertEquals(Tensor.zeros(leaf.shape()), leaf);
    }
    List<Path> seen = new ArrayList<>();
    Tree.mapWithPath(seq, (p, x) -> {
      seen.add(p);
      return x;
    });
    assertEquals(Tree.paths(seq), seen);
  }

  @Test
  void atReplacesWhatTheSelectorReturns() {
    Seq out = Tree.at(seq, s -> ((Block) s.layers().get(1)).norm().weight(), m(1, 3, 0));
    assertEquals(m(1, 3, 0), Tree.get(out, Path.of("layers/1/norm/weight")));
    Seq wrapped = Tree.at(seq, s -> s.layers().get(0), new Wrapped(seq.layers().get(0), t(1)));
    assertTrue(wrapped.layers().get(0) instanceof Wrapped);
    assertEquals(Path.of("extras/alpha"), Tree.pathOf(seq, seq.extras().get("alpha")));
  }

  @Test
  void structuralEqualityComparesLeavesAndStaticConfig() {
    Seq copy = Tree.map(seq, x -> Tensor.of(x.toArray(), x.shape()));
    assertTrue(Tree.equals(seq, copy));
    assertFalse(Tree.equals(seq, Tree.set(seq, Path.of("buffers/0"), t(70))));
    Block b = (Block) seq.layers().get(1);
    Block widened = new Block(b.fc(), b.norm(), 4, b.name(), b.scales(), b.act());
    assertFalse(Tree.equals(seq, Tree.set(seq, Path.of("layers/1"), widened)));
    Block sameScales = new Block(b.fc(), b.norm(), 3, b.name(), new float[] {1f, 2f}, b.act());
    assertTrue(Tree.equals(seq, Tree.set(seq, Path.of("layers/1"), sameScales)));
    Block otherAct = new Block(b.fc(), b.norm(), 3, b.name(), b.scales(), x -> x);
    assertFalse(Tree.equals(seq, Tree.set(seq, Path.of("layers/1"), otherAct)));
  }

  @Test
  void flattenAndUnflatten() {
    Flat<Seq> flat = Tree.flatten(seq);
    assertEquals(Tree.leaves(seq), flat.leaves());
    assertEquals(Tree.paths(seq), flat.structure().paths());
    assertSame(seq, flat.unflatten());
    List<Tensor> zeros = new ArrayList<>();
    flat.leaves().forEach(x -> zeros.add(Tensor.zeros(x.shape())));
    Seq z = Tree.unflatten(flat.structure(), zeros);
    assertEquals(zeros, Tree.leaves(z));
    assertEquals(flat.structure(), Tree.flatten(z).structure());
    assertEquals(flat.structure().hashCode(), Tree.flatten(z).structure().hashCode());
    assertFalse(flat.structure().equals(Tree.flatten(Tree.set(seq, Path.of("layers/2"),
        new Dense(t(1), null))).structure()));
  }

  @Test
  void partitionSplitsByMaskAndCombineRestores() {
    Partition<Seq> p = Tree.partition(seq, Mask.regex("layers/.*/weight"));
    assertEquals(List.of("layers/0/weight", "layers/1/fc/weight", "layers/1/norm/weight"),
        strings(List.copyOf(p.selected().keySet())));
    assertEquals(6, p.rest().size());
    assertSame(seq, p.combine());
    assertSame(seq, Tree.combine(p));
    Seq out = p.combine(Map.of(Path.of("layers/0/weight"), m(2, 3, 50)));
    assertEquals(m(2, 3, 50), Tree.get(out, Path.of("layers/0/weight")));
    assertSame(seq.layers().get(1), out.layers().get(1));
  }

  @Test
  void staticContainersAreNotChildren() {
    Config c = new Config(List.of(1, 2), Map.of("k", "v"), t(1));
    assertEquals(List.of(Path.of("w")), Tree.paths(c));
    assertEquals(List.of(Path.root()), Tree.nodes(c));
  }

  @Test
  void nestedContainersWithWildcards() {
    Grid g = new Grid(List.of(List.of(new Dense(t(1), null)), List.of(new Relu(),
        new Dense(t(2), t(3)))), Map.of("b", List.of(t(4)), "a", List.of()));
    assertEquals(List.of("rows/0/0/weight", "rows/1/1/weight", "rows/1/1/bias", "banks/b/0"),
        strings(Tree.paths(g)));
    Grid out = Tree.set(g, Path.of("rows/1/0"), new Wrapped(new Relu(), t(5)));
    assertTrue(out.rows().get(1).get(0) instanceof Wrapped);
    assertSame(g.rows().get(0), out.rows().get(0));
    assertSame(g.banks(), out.banks());
  }

  @Test
  void customModulesUseTheirOwnChildren() {
    Custom c = new Custom(t(2), new Dense(t(1), null));
    assertEquals(List.of("gain", "inner/weight"), strings(Tree.paths(c)));
    Custom out = Tree.set(c, Path.of("inner/weight"), t(9));
    assertEquals(t(9), ((Dense) out.inner).weight());
    assertSame(c.gain, out.gain);
    assertEquals(Object.class, Tree.componentType(c, Path.of("inner")));
  }

  @Test
  void lambdaModulesAreOpaqueNodesWithoutChildren() {
    Layer act = x -> x;
    Seq s = new Seq(List.of(act, new Dense(t(1), null)), Map.of(), List.of());
    assertEquals(List.of("layers/1/weight"), strings(Tree.paths(s)));
    assertSame(act, Tree.set(s, Path.of("layers/1/weight"), t(2)).layers().get(0));
  }

  @Test
  void summaryListsPathsShapesAndTotals() {
    String s = Tree.summary(seq);
    assertTrue(s.startsWith("Seq\n"), s);
    assertTrue(s.contains("layers/1/fc/weight"), s);
    assertTrue(s.matches("(?s).*layers/0/weight\\s+\\(2, 3\\)\\s+6\\n.*"), s);
    assertTrue(s.matches("(?s).*total\\s+9 leaves\\s+25\\n$"), s);
    Dense big = new Dense(Tensor.zeros(100, 20), null);
    assertTrue(Tree.summary(big).contains("2,000"), Tree.summary(big));
  }
}
