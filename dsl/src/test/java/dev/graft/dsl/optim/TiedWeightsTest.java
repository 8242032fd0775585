package dev.graft.dsl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.train.LossAndGrads;
import dev.graft.dsl.tree.Mask;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tensor at two paths (tied weights) is one parameter: one gradient (the sum over its uses), one
 * update, and the same object at both paths after every step; checked against a model that uses a
 * single leaf in both places.
 */
class TiedWeightsTest {
  private static final Path A = Path.of("a");
  private static final Path B = Path.of("b");
  private static final Tensor X = Tensor.of(new float[] {0.5f, -1.5f, 2f}, 3);
  private static final Tensor Y = Tensor.of(new float[] {1f, 0.25f, -3f}, 3);

  /** Uses {@code a} and {@code b} in different ways, so each carries part of the gradient. */
  record Tied(Tensor a, Tensor b) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return x.times(a).plus(x.times(x).times(b).tanh());
    }
  }

  /** {@link Tied} with one leaf in both places: what the tied model must train like. */
  record Single(Tensor w) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return new Tied(w, w).apply(x);
    }
  }

  private static Tensor loss(Layer m) {
    Tensor d = m.apply(X).minus(Y);
    return d.times(d).mean();
  }

  private static Net tied() {
    Tensor w = Tensor.of(new float[] {0.3f, -0.7f, 1.1f}, 3);
    return Net.of(new Tied(w, w));
  }

  @Test
  void theGradientAtEachPathIsTheSumOverAllUses() {
    LossAndGrads tied = tied().valueAndGrad(TiedWeightsTest::loss);
    Tensor w = Tree.leaf(tied().module(), A);
    LossAndGrads single = Net.of(new Single(w)).valueAndGrad(TiedWeightsTest::loss);
    float[] expected = single.grads().get(Path.of("w")).toArray();
    assertArrayEquals(expected, tied.grads().get(A).toArray(), 0f);
    assertArrayEquals(expected, tied.grads().get(B).toArray(), 0f);
  }

  @Test
  void sgdKeepsTheTieAndStepsOnce() {
    checkAgainstSingle(Sgd.of(0.1).withMomentum(0.9), "momentum");
  }

  @Test
  void adamWKeepsTheTieAndStepsOnce() {
    checkAgainstSingle(AdamW.of(0.05), "m");
  }

  private static void checkAgainstSingle(Optimizer opt, String slot) {
    Net tied = tied();
    Net single = Net.of(new Single(Tree.leaf(tied.module(), A)));
    OptState ts = OptState.empty();
    OptState ss = OptState.empty();
    for (int step = 0; step < 3; step++) {
      Step<Net> t = opt.step(tied, tied.valueAndGrad(TiedWeightsTest::loss).grads(), ts);
      Step<Net> s = opt.step(single, single.valueAndGrad(TiedWeightsTest::loss).grads(), ss);
      tied = t.net();
      ts = t.state();
      single = s.net();
      ss = s.state();
      Tensor a = Tree.leaf(tied.module(), A);
      assertSame(a, Tree.leaf(tied.module(), B), "untied after step " + (step + 1));
      assertArrayEquals(Tree.leaf(single.module(), Path.of("w")).toArray(), a.toArray(), 0f,
          "step " + (step + 1));
      assertSame(ts.get(slot, A), ts.get(slot, B));
      assertArrayEquals(ss.get(slot, Path.of("w")).toArray(), ts.get(slot, A).toArray(), 0f);
    }
  }

  @Test
  void clippingCountsATiedWeightOnce() {
    Net tied = tied();
    Net single = Net.of(new Single(Tree.leaf(tied.module(), A)));
    Optimizer opt = Sgd.of(0.1).withClipNorm(1e-3);
    Tensor a = Tree.leaf(opt.step(tied, tied.valueAndGrad(TiedWeightsTest::loss).grads(),
        OptState.empty()).net().module(), A);
    Tensor w = Tree.leaf(opt.step(single, single.valueAndGrad(TiedWeightsTest::loss).grads(),
        OptState.empty()).net().module(), Path.of("w"));
    assertArrayEquals(w.toArray(), a.toArray(), 0f);
  }

  @Test
  void clipHelpersCountATiedGradientOnceAndKeepItOne() {
    Net tied = tied();
    Net single = Net.of(new Single(Tree.leaf(tied.module(), A)));
    LossAndGrads t = tied.valueAndGrad(TiedWeightsTest::loss);
    LossAndGrads s = single.valueAndGrad(TiedWeightsTest::loss);
    assertSame(t.grads().get(A), t.grads().get(B));
    assertEquals(s.globalNorm(), t.globalNorm());
    Map<Path, Tensor> clipped = Clip.byGlobalNorm(t.grads(), 1e-3);
    assertSame(clipped.get(A), clipped.get(B));
    assertArrayEquals(Clip.byGlobalNorm(s.grads(), 1e-3).get(Path.of("w")).toArray(),
        clipped.get(A).toArray(), 0f);
  }

  @Test
  void aTieBetweenATrainableAndAFrozenLeafIsRefused() {
    Net net = tied().freeze(Mask.of(B));
    Map<Path, Tensor> grads = Map.of(A, Tensor.ones(3));
    var e = assertThrows(IllegalArgumentException.class,
        () -> Sgd.of(0.1).step(net, grads, OptState.empty()));
    assertTrue(e.getMessage().contains("'a'") && e.getMessage().contains("frozen leaf 'b'"),
        e.getMessage());
  }

  @Test
  void differentGradientsForOneTiedTensorAreRefused() {
    Map<Path, Tensor> grads = Map.of(A, Tensor.ones(3), B, Tensor.zeros(3));
    var e = assertThrows(IllegalArgumentException.class,
        () -> AdamW.of(0.1).step(tied(), grads, OptState.empty()));
    assertTrue(e.getMessage().contains("different gradients"), e.getMessage());
  }
}
