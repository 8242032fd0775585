package dev.graft.dsl.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Laws of tree operations on random trees (one seed per example). */
class TreePropertiesTest {
  private static final int EXAMPLES = 300;

  private static void forAllTrees(java.util.function.BiConsumer<RandomTrees, Layer> law) {
    qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
      RandomTrees w = new RandomTrees(seed);
      law.accept(w, w.tree());
    });
  }

  @Test
  void flattenThenUnflattenRoundTrips() {
    forAllTrees((w, tree) -> {
      Flat<Layer> flat = Tree.flatten(tree);
      assertSame(tree, Tree.unflatten(flat.structure(), flat.leaves()));
      List<Tensor> copies = new ArrayList<>();
      flat.leaves().forEach(t -> copies.add(RandomTrees.copy(t)));
      Layer rebuilt = Tree.unflatten(flat.structure(), copies);
      assertTrue(Tree.equals(tree, rebuilt));
      List<Tensor> leaves = Tree.leaves(rebuilt);
      for (int i = 0; i < copies.size(); i++) {
        assertSame(copies.get(i), leaves.get(i));
      }
      assertEquals(flat.structure(), Tree.flatten(rebuilt).structure());
      assertEquals(Tree.paths(tree), Tree.paths(rebuilt));
    });
  }

  @Test
  void pathLensLaws() {
    forAllTrees((w, tree) -> {
      Path p = w.pick(RandomTrees.allPaths(tree));
      Lens<Layer, Object> lens = Lens.of(p);
      checkLaws(w, tree, lens);
    });
  }

  @Test
  void selectorLensLaws() {
    forAllTrees((w, tree) -> {
      Path p = w.pick(RandomTrees.allPaths(tree));
      Lens<Layer, Object> lens = Lens.of(s -> Tree.get(s, p));
      checkLaws(w, tree, lens);
    });
  }

  @Test
  void composedLensLaws() {
    forAllTrees((w, tree) -> {
      Path p = w.pick(RandomTrees.allPaths(tree));
      int cut = w.rnd.nextInt(p.depth() + 1);
      List<String> rest = p.segments().subList(cut, p.depth());
      Lens<Layer, Object> lens = Lens.<Layer, Object>of(p.prefix(cut))
          .andThen(Lens.of(Path.of(rest)));
      assertSame(Tree.get(tree, p), lens.get(tree));
      checkLaws(w, tree, lens);
    });
  }

  private static void checkLaws(RandomTrees w, Layer tree, Lens<Layer, Object> lens) {
    Object focus = lens.get(tree);
    assertSame(tree, lens.set(tree, focus), "get-set");
    Object a = w.replacementFor(focus);
    Object b = w.replacementFor(focus);
    Layer withA = lens.set(tree, a);
    assertSame(a, lens.get(withA), "set-get");
    assertTrue(Tree.equals(lens.set(withA, b), lens.set(tree, b)), "set-set");
    assertTrue(Tree.equals(tree, lens.modify(tree, RandomTrees::equalCopy)), "modify");
  }

  @Test
  void mapWithIdentityIsIdentity() {
    forAllTrees((w, tree) -> {
      assertSame(tree, Tree.map(tree, x -> x));
      List<Path> seen = new ArrayList<>();
      assertSame(tree, Tree.mapWithPath(tree, (p, x) -> {
        seen.add(p);
        return x;
      }));
      assertEquals(Tree.paths(tree), seen);
      Layer copy = Tree.map(tree, RandomTrees::copy);
      assertTrue(Tree.equals(tree, copy));
      if (!Tree.paths(tree).isEmpty()) {
        assertNotSame(tree, copy);
      }
    });
  }

  @Test
  void setKeepsEveryOtherLeafTheSameObject() {
    forAllTrees((w, tree) -> {
      List<Path> paths = Tree.paths(tree);
      if (paths.isEmpty()) {
        return;
      }
      Path p = w.pick(paths);
      Tensor fresh = w.tensor();
      Layer out = Tree.set(tree, p, fresh);
      assertEquals(paths, Tree.paths(out));
      for (Path q : paths) {
        assertSame(q.equals(p) ? fresh : Tree.get(tree, q), Tree.get(out, q), q.toString());
      }
      for (Path q : RandomTrees.allPaths(tree)) {
        if (!q.startsWith(p) && !p.startsWith(q)) {
          assertSame(Tree.get(tree, q), Tree.get(out, q), "off-path node " + q);
        }
      }
    });
  }

  @Test
  void partitionThenCombineRestoresTheTree() {
    forAllTrees((w, tree) -> {
      Set<Path> chosen = new HashSet<>();
      for (Path p : Tree.paths(tree)) {
        if (w.rnd.nextBoolean()) {
          chosen.add(p);
        }
      }
      Partition<Layer> part = Tree.partition(tree, Mask.where((p, t) -> chosen.contains(p)));
      assertEquals(chosen, part.selected().keySet());
      assertSame(tree, part.combine());
      Map<Path, Tensor> copies = new LinkedHashMap<>();
      part.selected().forEach((p, t) -> copies.put(p, RandomTrees.copy(t)));
      Layer back = part.combine(copies);
      assertTrue(Tree.equals(tree, back));
      part.rest().forEach((p, t) -> assertSame(t, Tree.get(back, p)));
      copies.forEach((p, t) -> assertSame(t, Tree.get(back, p)));
      Set<Path> all = new LinkedHashSet<>(part.selected().keySet());
      all.addAll(part.rest().keySet());
      assertEquals(Set.copyOf(Tree.paths(tree)), all);
    });
  }

  @Test
  void maskAlgebra() {
    forAllTrees((w, tree) -> {
      List<Path> paths = Tree.paths(tree);
      Set<Path> some = new HashSet<>();
      paths.forEach(p -> {
        if (w.rnd.nextBoolean()) {
          some.add(p);
        }
      });
      Mask m = Mask.of(some);
      assertEquals(some, m.resolve(tree));
      assertEquals(List.copyOf(paths), List.copyOf(m.or(m.not()).resolve(tree)));
      assertTrue(m.and(m.not()).resolve(tree).isEmpty());
      assertEquals(Set.copyOf(paths), Mask.regex(".*").resolve(tree));
      assertEquals(Set.copyOf(paths), Mask.all().resolve(tree));
      assertTrue(Mask.none().resolve(tree).isEmpty());
      Mask biases = Mask.regex(".*bias");
      for (Path p : biases.resolve(tree)) {
        assertTrue(p.name().equals("bias"), p.toString());
      }
    });
  }

  @Test
  void structuralEqualitySeesAnyChangedLeaf() {
    forAllTrees((w, tree) -> {
      assertTrue(Tree.equals(tree, tree));
      List<Path> paths = Tree.paths(tree);
      if (paths.isEmpty()) {
        return;
      }
      Path p = w.pick(paths);
      Tensor old = Tree.leaf(tree, p);
      Tensor changed = Tensor.full(99f, old.shape());
      assertFalse(Tree.equals(tree, Tree.set(tree, p, changed)));
      assertEquals(Tree.flatten(tree).structure(),
          Tree.flatten(Tree.set(tree, p, changed)).structure());
    });
  }

  @Test
  void nodesAreModulesAndEveryLeafLiesUnderOne() {
    forAllTrees((w, tree) -> {
      List<Path> nodes = Tree.nodes(tree);
      assertEquals(Path.root(), nodes.get(0));
      for (Path n : nodes) {
        assertTrue(Tree.get(tree, n) instanceof Layer, n.toString());
      }
      for (Path p : Tree.paths(tree)) {
        assertTrue(nodes.stream().anyMatch(p::startsWith));
      }
    });
  }

  @Test
  void pathStringRoundTripAndOrder() {
    qt().withExamples(EXAMPLES).forAll(longs().all(), longs().all()).checkAssert((s1, s2) -> {
      Path a = randomPath(new java.util.SplittableRandom(s1));
      Path b = randomPath(new java.util.SplittableRandom(s2));
      assertEquals(a, Path.of(a.toString()));
      assertEquals(a.hashCode(), Path.of(a.toString()).hashCode());
      assertEquals(a, Path.of(a.segments()));
      assertEquals(Integer.signum(a.compareTo(b)), -Integer.signum(b.compareTo(a)));
      assertEquals(a.equals(b), a.compareTo(b) == 0);
      if (!a.isRoot()) {
        assertEquals(a, a.parent().child(a.name()));
        assertTrue(a.parent().compareTo(a) < 0);
      }
      assertEquals(a.resolve(b).toString(),
          a.isRoot() ? b.toString() : b.isRoot() ? a.toString() : a + "/" + b);
    });
  }

  private static Path randomPath(java.util.SplittableRandom r) {
    Path p = Path.root();
    int n = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      p = r.nextBoolean() ? p.child(r.nextInt(12))
          : p.child(String.valueOf((char) ('a' + r.nextInt(3))) + (r.nextBoolean() ? "_x" : ""));
    }
    return p;
  }
}
