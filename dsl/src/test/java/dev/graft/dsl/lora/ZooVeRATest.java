package dev.graft.dsl.lora;

import static dev.graft.dsl.lora.ZooLaws.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import dev.graft.dsl.nn.Conv1d;
import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.Conv;
import dev.graft.dsl.nn.ConvOptions;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Relu;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** VeRA's shared projections ({@link VeRAAdapter}; its laws run in {@link ZooCatalogTest}). */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class ZooVeRATest {
  private static LoraSpec spec(AdapterFactory factory, int rank, long seed) {
    return LoraSpec.builder().rank(rank).alpha(1).seed(seed).wrappers(List.of(factory)).build();
  }

  @Test
  void layersOfOneLoraCallShareTheSameProjectionObjectsSlicedToTheirShapes() {
    Linear first = Linear.create(4, 7, Key.of(1));      // (7, 4)
    Linear second = Linear.create(7, 3, Key.of(2));     // (3, 7)
    int r = 2;
    Net net = Net.of(Sequential.of(first, new Relu(), second)).freeze()
        .lora(spec(VeRALinear.FACTORY, r, 42));
    VeRAAdapter a = (VeRAAdapter) net.adapters().get(Path.of("layers/0"));
    VeRAAdapter b = (VeRAAdapter) net.adapters().get(Path.of("layers/2"));
    assertSame(a.veraA(), b.veraA(), "one A for the whole call");
    assertSame(a.veraB(), b.veraB(), "one B for the whole call");
    assertArrayEquals(new int[] {r, 7}, a.veraA().shape(), "A is (r, in_max)");
    assertArrayEquals(new int[] {7, r}, a.veraB().shape(), "B is (out_max, r)");
    assertEquals(42, a.seed());
    assertEquals(42, b.seed());
    VeRAProjections again = VeRAProjections.generate(a.seed(), r, 7, 7);
    assertEquals(again.a(), a.veraA(), "A is a function of the recorded seed");
    assertEquals(again.b(), a.veraB(), "B is a function of the recorded seed");
    // Shared tensors count once; the trainable leaves are the λ vectors only.
    long shared = (long) r * 7 + 7L * r;
    long bases = 7 * 4 + 7 + 3 * 7 + 3;
    assertEquals(bases + shared + (7 + r) + (3 + r), net.totalCount());
    assertEquals((7 + r) + (3 + r), net.trainableCount());

    // Each layer uses A[:, :in] and B[:out, :]: check the second layer against explicit slices.
    Tensor lambdaB = Random.normal(Key.of(3), 3);
    Tensor lambdaD = Random.normal(Key.of(4), r);
    VeRAAdapter trained = Tree.set(Tree.set(b, Path.of("lambdaB"), lambdaB), Path.of("lambdaD"),
        lambdaD);
    Tensor expectedDelta = explicitDelta(a.veraA(), a.veraB(), lambdaB, lambdaD, 3, 7);
    Tensor x = Random.normal(Key.of(5), 2, 7);
    Tensor expected = new Linear(second.weight().plus(expectedDelta), second.bias()).apply(x);
    assertClose(expected, trained.apply(x), 1e-5, "VeRA forward vs explicit sliced formula");
    assertClose(second.weight().plus(expectedDelta), ((Linear) trained.merge()).weight(), 1e-6,
        "VeRA merge vs explicit sliced formula");
  }

  /** {@code diag(λ_b) B[:out, :] diag(λ_d) A[:, :in]} by loops. */
  private static Tensor explicitDelta(Tensor a, Tensor b, Tensor lambdaB, Tensor lambdaD, int out,
      int in) {
    int r = a.dim(0);
    float[] d = new float[out * in];
    for (int i = 0; i < out; i++) {
      for (int j = 0; j < in; j++) {
        double acc = 0;
        for (int t = 0; t < r; t++) {
          acc += (double) lambdaB.value(i) * b.value(i, t) * lambdaD.value(t) * a.value(t, j);
        }
        d[i * in + j] = (float) acc;
      }
    }
    return Tensor.of(d, out, in);
  }

  @Test
  void initialScalesAndKaimingBounds() {
    Linear base = Linear.create(5, 6, Key.of(1));
    int r = 4;
    VeRAAdapter v = (VeRAAdapter) VeRALinear.FACTORY.create(base, new AdapterConfig(r, 1, 0,
        Key.of(9)));
    assertEquals(Tensor.zeros(6), v.lambdaB());
    assertEquals(Tensor.full(0.1f, r), v.lambdaD());
    assertTrue(ZooLaws.maxAbs(v.veraA()) <= 1 / Math.sqrt(5) + 1e-7, "A bound 1/√in_max");
    assertTrue(ZooLaws.maxAbs(v.veraB()) <= 1 / Math.sqrt(r) + 1e-7, "B bound 1/√r");
    assertTrue(ZooLaws.maxAbs(v.veraA()) > 0.5 / Math.sqrt(5), "A is not degenerate");
    assertEquals(VeRAProjections.seedOf(Key.of(9)), v.seed());
    assertEquals(Key.of(9), Key.of(v.seed()), "the recorded seed gives back the key");
  }

  @Test
  void convLayersOfOneCallShareProjectionsSizedByTheLargestFlatIn() {
    Conv c1 = Conv2d.create(2, 4, 3, ConvOptions.defaults(), Key.of(1));      // flat_in 18
    Conv c2 = Conv1d.create(4, 6, 2, ConvOptions.defaults().groups(2), Key.of(2)); // flat_in 4
    Net net = Net.of(Sequential.of(c1, c2)).freeze().lora(spec(VeRAConv.FACTORY, 3, 7));
    VeRAAdapter a = (VeRAAdapter) net.adapters().get(Path.of("layers/0"));
    VeRAAdapter b = (VeRAAdapter) net.adapters().get(Path.of("layers/1"));
    assertSame(a.veraA(), b.veraA());
    assertSame(a.veraB(), b.veraB());
    assertArrayEquals(new int[] {3, 18}, a.veraA().shape());
    assertArrayEquals(new int[] {6, 3}, a.veraB().shape());

    Tensor lambdaB = Random.normal(Key.of(3), 6);
    Tensor lambdaD = Random.normal(Key.of(4), 3);
    VeRAAdapter trained = Tree.set(Tree.set(b, Path.of("lambdaB"), lambdaB), Path.of("lambdaD"),
        lambdaD);
    Tensor delta = explicitDelta(a.veraA(), a.veraB(), lambdaB, lambdaD, 6, 4);
    Tensor x = Random.normal(Key.of(5), 2, 4, 5);
    Tensor expected = c2.withWeight(c2.weight().plus(ConvLowRank.asKernel(c2, delta))).apply(x);
    assertClose(expected, trained.apply(x), 1e-5, "VeRAAdapter forward vs explicit sliced formula");
  }

  @Test
  void separateLoraCallsDrawTheirOwnProjections() {
    Linear base = Linear.create(4, 4, Key.of(1));
    Net one = Net.of(Sequential.of(base)).freeze().lora(spec(VeRALinear.FACTORY, 2, 1));
    Net two = Net.of(Sequential.of(base)).freeze().lora(spec(VeRALinear.FACTORY, 2, 2));
    Tensor a1 = ((VeRAAdapter) one.adapters().get(Path.of("layers/0"))).veraA();
    Tensor a2 = ((VeRAAdapter) two.adapters().get(Path.of("layers/0"))).veraA();
    assertNotSame(a1, a2);
    assertTrue(a1.maxAbsDiff(a2) > 1e-3, "different seeds, different projections");
  }

  @Test
  void mismatchedSharedShapesAreRefused() {
    Linear base = Linear.create(5, 3, Key.of(1));
    VeRAProjections small = VeRAProjections.generate(1, 2, 4, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> VeRAAdapter.create(base, new AdapterConfig(2, 1, 0, Key.of(1)), small));
    assertTrue(e.getMessage().contains("VeRA") && e.getMessage().contains("(2, 4)"),
        e.getMessage());
  }
}
