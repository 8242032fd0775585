package dev.graft.dsl.tree;

import static dev.graft.dsl.tree.TestModules.m;
import static dev.graft.dsl.tree.TestModules.t;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.TestModules.BadKeys;
import dev.graft.dsl.tree.TestModules.Block;
import dev.graft.dsl.tree.TestModules.Checked;
import dev.graft.dsl.tree.TestModules.Dense;
import dev.graft.dsl.tree.TestModules.Opaque;
import dev.graft.dsl.tree.TestModules.Relu;
import dev.graft.dsl.tree.TestModules.Seq;
import dev.graft.dsl.tree.TestModules.Stack;
import dev.graft.dsl.tree.TestModules.Wrapped;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every error the tree code raises, with what its message must say. */
class TreeErrorsTest {
  private final Seq seq = TestModules.sample();

  private static void fails(Class<? extends Throwable> type, Executable call, String... parts) {
    Throwable e = assertThrows(type, call);
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), () -> "message lacks <" + part + ">: "
          + e.getMessage());
    }
  }

  @Test
  void missingPathNamesTheNearestPrefixAndItsChildren() {
    fails(IllegalArgumentException.class, () -> Tree.get(seq, Path.of("layers/1/fc2/weight")),
        "Tree.get", "'layers/1/fc2/weight'", "nearest existing prefix is 'layers/1'",
        "[fc, norm]");
    fails(IllegalArgumentException.class, () -> Tree.set(seq, Path.of("encoder"), t(1)),
        "Tree.set", "'encoder'", "the root", "[layers, extras, buffers]");
    fails(IllegalArgumentException.class, () -> Tree.get(seq, Path.of("layers/7")),
        "'layers/7'", "[0, 1, 2]");
    fails(IllegalArgumentException.class, () -> Tree.get(seq, Path.of("extras/beta")),
        "'extras/beta'", "[alpha, zeta]");
  }

  @Test
  void missingPathBelowALeafOrAtANullOrStaticComponent() {
    fails(IllegalArgumentException.class, () -> Tree.get(seq, Path.of("layers/0/weight/x")),
        "'layers/0/weight'", "a leaf with no children");
    fails(IllegalArgumentException.class, () -> Tree.get(seq, Path.of("layers/1/fc/bias")),
        "'layers/1/fc/bias'", "component 'bias' is null");
    fails(IllegalArgumentException.class, () -> Tree.set(seq, Path.of("layers/1/width"), t(1)),
        "'width' is static configuration");
  }

  @Test
  void misfitNamesPathDeclaredTypeValueTypeAndTheFix() {
    Block b = (Block) seq.layers().get(1);
    fails(IllegalArgumentException.class,
        () -> Tree.set(seq, Path.of("layers/1/norm"), new Wrapped(b.norm(), t(1))),
        "Tree.set", "'layers/1/norm'", "component 'norm' of Block", "declared as Dense",
        "a Wrapped", "declare the component as Layer to allow wrapping");
    fails(IllegalArgumentException.class,
        () -> Tree.checkAccepts(seq, Path.of("layers/1/norm"), new Wrapped(b.norm(), t(1))),
        "Tree.checkAccepts", "declared as Dense", "declare the component as Layer");
    fails(IllegalArgumentException.class,
        () -> Tree.at(seq, s -> ((Block) s.layers().get(1)).norm(), new Relu()),
        "Tree.at", "'layers/1/norm'", "declared as Dense", "a Relu");
  }

  @Test
  void misfitOfKindsAndNulls() {
    fails(IllegalArgumentException.class, () -> Tree.set(seq, Path.of("layers/1/fc"), t(1)),
        "'layers/1/fc'", "declared as Layer", "a Tensor (1,)");
    fails(IllegalArgumentException.class,
        () -> Tree.set(seq, Path.of("layers/0/weight"), new Relu()),
        "'layers/0/weight'", "expected a Tensor, found a Relu");
    fails(IllegalArgumentException.class,
        () -> Tree.set(seq, Path.of("layers/0/weight"), null),
        "'layers/0/weight'", "the value is null");
    fails(IllegalArgumentException.class,
        () -> Tree.set(seq, Path.of("extras/zeta"), new Relu()),
        "entry 'zeta' of the Map at 'extras'", "found a Relu");
  }

  @Test
  void misfitInsideConcretelyTypedLists() {
    Stack s = new Stack(List.of(new Dense(t(1), null), new Dense(t(2), null)));
    fails(IllegalArgumentException.class,
        () -> Tree.set(s, Path.of("layers/1"), new Wrapped(s.layers().get(1), t(0))),
        "'layers/1'", "element 1 of the List at 'layers'", "declared as Dense", "a Wrapped",
        "declare the component as Layer");
    fails(IllegalArgumentException.class,
        () -> Tree.set(s, Path.of("layers"), List.of(s.layers().get(0), new Relu())),
        "'layers'", "component 'layers' of Stack", "element 1 of the List<Dense>", "a Relu");
  }

  @Test
  void replacingTheRootNeedsTheRootsType() {
    fails(IllegalArgumentException.class, () -> Tree.set(seq, Path.root(), new Relu()),
        "cannot replace the root", "must be a Seq");
  }

  @Test
  void constructorValidationIsReportedWithThePath() {
    Seq s = new Seq(List.of(new Checked(m(2, 2, 0))), Map.of(), List.of());
    fails(IllegalArgumentException.class, () -> Tree.set(s, Path.of("layers/0/weight"), t(1)),
        "rebuilding a Checked at 'layers/0'", "weight must have 2 dims");
  }

  @Test
  void selectorResultNotInTheTree() {
    fails(IllegalArgumentException.class, () -> Tree.at(seq, s -> t(1, 2), t(3)),
        "Tree.at", "a Tensor (2,)", "is not a node of this Seq", "identity");
    fails(IllegalArgumentException.class, () -> Tree.at(seq, s -> null, t(3)),
        "Tree.at", "returned null");
    fails(IllegalArgumentException.class,
        () -> Lens.<Seq, Object>of(s -> ((Block) s.layers().get(1)).width()).set(seq, 4),
        "Lens.set", "is not a node of this Seq");
  }

  @Test
  void selectorResultSharedByTwoPositions() {
    Dense shared = new Dense(t(1), null);
    Seq s = new Seq(List.of(shared, shared), Map.of(), List.of());
    fails(IllegalArgumentException.class, () -> Tree.at(s, x -> x.layers().get(1), new Relu()),
        "several positions [layers/0, layers/1]", "Tree.set");
  }

  @Test
  void explicitMaskNamingAbsentPaths() {
    fails(IllegalArgumentException.class,
        () -> Mask.of("layers/9/weight", "layers/0/bias", "nope").resolve(seq),
        "Mask.resolve", "2 paths absent from the Seq", "[layers/9/weight, nope]");
    fails(IllegalArgumentException.class,
        () -> Mask.regex(".*").and(Mask.of("layers/1/fc/bias").not()).resolve(seq),
        "a path absent", "[layers/1/fc/bias]");
    fails(IllegalArgumentException.class,
        () -> Tree.partition(seq, Mask.of(Path.of("extras/beta"))), "[extras/beta]");
  }

  @Test
  void modulesThatCannotBeRead() {
    fails(IllegalStateException.class,
        () -> Tree.paths(new Seq(List.of(new Opaque(t(1))), Map.of(), List.of())),
        "Opaque", "not a record", "override children()");
    fails(IllegalStateException.class, () -> Tree.paths(new BadKeys(Map.of())),
        "component 'byId' of BadKeys", "String keys");
    fails(IllegalStateException.class,
        () -> Tree.paths(new TestModules.BadContainers(java.util.Set.of())),
        "component 'set' of BadContainers", "Set<Layer>", "java.util.List");
    fails(IllegalStateException.class,
        () -> Tree.paths(new TestModules.BadArray(new dev.graft.runtime.Tensor[0])),
        "component 'leaves' of BadArray", "Tensor[]", "declare it as a List");
  }

  @Test
  void badPathsAndShapes() {
    fails(IllegalArgumentException.class, () -> Path.of("a//b"), "'a//b'", "empty segment");
    fails(IllegalArgumentException.class, () -> Path.of("/a"), "empty segment");
    fails(IllegalArgumentException.class, () -> Path.root().child("a/b"), "'a/b'");
    fails(IllegalArgumentException.class, () -> Path.root().child(-1), "-1");
    fails(IllegalStateException.class, () -> Path.root().parent(), "root");
  }

  @Test
  void flattenPartitionAndLeafMisuse() {
    Flat<Seq> flat = Tree.flatten(seq);
    fails(IllegalArgumentException.class, () -> flat.structure().unflatten(List.of(t(1))),
        "TreeDef.unflatten", "9 leaves, got 1");
    Partition<Seq> p = Tree.partition(seq, Mask.regex("extras/.*"));
    fails(IllegalArgumentException.class,
        () -> p.combine(Map.of(Path.of("buffers/0"), t(1))), "'buffers/0' was not selected");
    fails(IllegalArgumentException.class,
        () -> Tree.combine(seq, Map.of(Path.of("layers/1"), t(1))), "'layers/1' holds a Block",
        "not a leaf");
    fails(IllegalArgumentException.class, () -> Tree.leaf(seq, Path.of("layers/1/norm")),
        "'layers/1/norm' holds a Dense", "[layers/1/norm/weight, layers/1/norm/bias]");
    fails(IllegalArgumentException.class, () -> Tree.map(seq, x -> null),
        "Tree.map", "returned null", "'layers/0/weight'");
    fails(IllegalArgumentException.class,
        () -> Lens.<Seq, Layer>of(Path.of("layers/0/weight"), Layer.class).get(seq),
        "Lens.get", "'layers/0/weight' holds a Tensor (2, 3)", "expected Layer");
  }
}
