package dev.graft.dsl.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.graft.autodiff.GradCheck;
import dev.graft.dsl.Net;
import dev.graft.dsl.nn.GroupedLinear;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link LoRAAdapter} on a {@link GroupedLinear} (d9d's grouped LoRA; also reached through the
 * earlier name {@code LoRAGroupedLinear}), checked row by row against a direct loop per row's
 * group.
 */
class GroupedLoRATest {
  @SuppressWarnings("deprecation")
  private static final LoraSpec SPEC = LoraSpec.builder().rank(2).alpha(3.0)
      .wrappers(List.of(LoRAGroupedLinear.FACTORY, LoRALinear.FACTORY)).build();

  /** A random case: base, perturbed adapter, input rows and their groups. */
  private record Case(LoRAAdapter adapter, Tensor x, int[] groups) {
    GroupedLinear base() {
      return (GroupedLinear) adapter.base();
    }
  }

  private static Case randomCase(long seed) {
    Random rnd = new Random(seed);
    int g = 1 + rnd.nextInt(4);
    int in = 1 + rnd.nextInt(5);
    int out = 1 + rnd.nextInt(5);
    int r = 1 + rnd.nextInt(4);
    int n = rnd.nextInt(7);
    Key key = Key.of(seed);
    GroupedLinear base = GroupedLinear.create(g, in, out, rnd.nextBoolean(), key.foldIn(1));
    LoRAAdapter a = LoRAAdapter.create(base,
        new AdapterConfig(r, 0.5 + rnd.nextInt(8), 0, key.foldIn(2)));
    int[] groups = new int[n];
    for (int i = 0; i < n; i++) {
      groups[i] = rnd.nextInt(g);
    }
    return new Case(a, dev.graft.runtime.Random.normal(key.foldIn(3), n, in), groups);
  }

  /**
   * Row by row in double: {@code x W_g + b_g + s·(x A_gᵀ) B_gᵀ} for {@code A (G, r, in)} and
   * {@code B (G, out, r)}.
   */
  private static Tensor reference(GroupedLinear base, @Nullable Tensor a, @Nullable Tensor b,
      double s, Tensor x, int[] groups) {
    int in = base.inFeatures();
    int out = base.outFeatures();
    int n = groups.length;
    float[] y = new float[n * out];
    for (int row = 0; row < n; row++) {
      int g = groups[row];
      for (int o = 0; o < out; o++) {
        double v = base.bias() == null ? 0 : base.bias().value(g, o);
        for (int i = 0; i < in; i++) {
          v += x.value(row, i) * base.weight().value(g, i, o);
        }
        if (a != null && b != null) {
          for (int k = 0; k < a.dim(1); k++) {
            double h = 0;
            for (int i = 0; i < in; i++) {
              h += x.value(row, i) * a.value(g, k, i);
            }
            v += s * h * b.value(g, o, k);
          }
        }
        y[row * out + o] = (float) v;
      }
    }
    return Tensor.of(y, n, out);
  }

  @Test
  void startsAsTheBaseRowByRow() {
    qt().withExamples(30).forAll(longs().all()).checkAssert(seed -> {
      Case c = randomCase(seed);
      GroupedLinear base = c.base();
      assertEquals(Tensor.zeros(c.adapter().loraB().shape()), c.adapter().loraB());
      ZooLaws.assertClose(reference(base, null, null, 0, c.x(), c.groups()),
          c.adapter().apply(c.x(), c.groups()), 1e-5, "at init, seed " + seed);
    });
  }

  @Test
  void adaptedAndMergedMatchTheRowByRowReference() {
    qt().withExamples(30).forAll(longs().all()).checkAssert(seed -> {
      Case c = randomCase(seed);
      LoRAAdapter w = (LoRAAdapter) ZooLaws.perturb(c.adapter(), Key.of(seed), 0.5f);
      Tensor expected = reference(c.base(), w.loraA(), w.loraB(), w.scale(), c.x(), c.groups());
      ZooLaws.assertClose(expected, w.apply(c.x(), c.groups()), 1e-5, "adapted, seed " + seed);
      GroupedLinear merged = assertInstanceOf(GroupedLinear.class, w.merge());
      assertEquals(c.base().bias(), merged.bias());
      ZooLaws.assertClose(expected, merged.apply(c.x(), c.groups()), 1e-5,
          "merged, seed " + seed);
    });
  }

  @Test
  void initAndCount() {
    GroupedLinear base = GroupedLinear.create(3, 16, 5, true, Key.of(1));
    LoRAAdapter w = LoRAAdapter.create(base, new AdapterConfig(4, 8, 0, Key.of(2)));
    assertEquals(2.0, w.scale());
    assertEquals(4, w.rank());
    assertEquals(List.of(3, 4, 16), List.of(w.loraA().dim(0), w.loraA().dim(1), w.loraA().dim(2)));
    assertEquals(Tensor.zeros(3, 5, 4), w.loraB());
    assertTrue(ZooLaws.maxAbs(w.loraA()) <= 0.25f && ZooLaws.maxAbs(w.loraA()) > 0.2f);
    Net net = Net.of(Sequential.of(base, Linear.create(5, 2, Key.of(3)))).freeze().lora(SPEC);
    assertInstanceOf(LoRAAdapter.class, Tree.get(net.module(), Path.of("layers/0")));
    assertEquals(List.of(Path.of("layers/0/loraA"), Path.of("layers/0/loraB"),
        Path.of("layers/1/loraA"), Path.of("layers/1/loraB")), net.trainablePaths());
    assertEquals(3 * 2 * (16 + 5) + 2 * (5 + 2), net.trainableCount());
    Net trained = ZooLaws.perturbed(net, 4, 0.3f);
    Net merged = trained.merge();
    assertInstanceOf(GroupedLinear.class, Tree.get(merged.module(), Path.of("layers/0")));
    assertEquals(trained.module(), merged.unmerge().module());
  }

  /** Three groups of 4 → 5 features, rank 2, and six rows visiting every group twice. */
  private static Case fixedCase(double dropout) {
    GroupedLinear base = GroupedLinear.create(3, 4, 5, true, Key.of(1));
    return new Case(LoRAAdapter.create(base, new AdapterConfig(2, 2, dropout, Key.of(2))),
        dev.graft.runtime.Random.normal(Key.of(3), 6, 4), new int[] {2, 0, 1, 1, 0, 2});
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Case c = fixedCase(0);
    LoRAAdapter w = (LoRAAdapter) ZooLaws.perturb(c.adapter(), Key.of(5), 0.5f);
    GradCheck.assertGradients(p -> new LoRAAdapter(w.base(), p.get(0), p.get(1), w.scale(),
        0).apply(c.x(), c.groups()), List.of(w.loraA(), w.loraB()));
  }

  @Test
  void dropoutActsOnTheAdapterPathOnly() {
    Case c = fixedCase(0.5);
    LoRAAdapter fresh = c.adapter();
    Key key = Key.of(2);
    assertEquals(c.base().apply(c.x(), c.groups()), fresh.apply(c.x(), c.groups(), key));
    LoRAAdapter w = (LoRAAdapter) ZooLaws.perturb(fresh, Key.of(3), 0.5f);
    Tensor inference = w.apply(c.x(), c.groups());
    assertEquals(inference, w.apply(c.x(), c.groups(), null));
    assertNotEquals(inference, w.apply(c.x(), c.groups(), key));
    LoRAAdapter noDropout = new LoRAAdapter(w.base(), w.loraA(), w.loraB(), w.scale(), 0);
    assertEquals(inference, noDropout.apply(c.x(), c.groups(), key));
  }

  @Test
  @SuppressWarnings("deprecation")
  void refusals() {
    GroupedLinear base = GroupedLinear.create(2, 3, 4, false, Key.of(1));
    var rank = assertThrows(IllegalArgumentException.class,
        () -> LoRAGroupedLinear.FACTORY.create(base, new AdapterConfig(0, 1, 0, Key.of(2))));
    assertTrue(rank.getMessage().contains("LoRA") && rank.getMessage().contains("0"),
        rank.getMessage());
    var shapes = assertThrows(IllegalArgumentException.class,
        () -> new LoRAAdapter(base, Tensor.zeros(2, 1, 2), Tensor.zeros(2, 4, 1), 1, 0));
    assertTrue(shapes.getMessage().contains("(1, 2)") && shapes.getMessage().contains("(r, 3)"),
        shapes.getMessage());
    var groups = assertThrows(IllegalArgumentException.class,
        () -> new LoRAAdapter(base, Tensor.zeros(3, 1, 3), Tensor.zeros(3, 4, 1), 1, 0));
    assertTrue(groups.getMessage().contains("loraA has shape (3, 1, 3)")
        && groups.getMessage().contains("leading axis of 2"), groups.getMessage());
    LoRAAdapter w = LoRAGroupedLinear.create(base, new AdapterConfig(1, 1, 0, Key.of(2)));
    var noGroups = assertThrows(UnsupportedOperationException.class,
        () -> w.apply(Tensor.zeros(1, 3)));
    assertTrue(noGroups.getMessage().contains("apply(x, groups)"), noGroups.getMessage());
    assertTrue(!LoRAGroupedLinear.FACTORY.appliesTo(Linear.create(3, 2, Key.of(1)))
        && !LoRAGroupedLinear.FACTORY.appliesTo(w) && LoRAGroupedLinear.FACTORY.appliesTo(base));
  }
}
