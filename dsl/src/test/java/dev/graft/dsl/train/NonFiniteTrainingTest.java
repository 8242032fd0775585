package dev.graft.dsl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.nn.Activation;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.optim.AdamW;
import dev.graft.dsl.optim.Optimizer;
import dev.graft.dsl.optim.Sgd;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Trainable;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A finite loss whose gradients are NaN or infinite, or an update that makes a weight infinite,
 * stops the run with a {@link DivergedException} naming the step and the leaf, with and without
 * clipping, from {@link Trainer} and {@code Net.fit}; nothing non-finite is ever returned.
 */
class NonFiniteTrainingTest {
  private static final Tensor X = Random.normal(Key.of(1), 24, 4);
  private static final Tensor Y = Random.normal(Key.of(2), 24, 2);
  private static final List<Batch> BATCHES = Batch.split(X, Y, 6);
  /** The step (counted over the run) whose gradient goes bad. */
  private static final int BAD_STEP = 5;

  private static Net net() {
    return Net.of(Mlp.create(new int[] {4, 5, 2}, Activation.TANH, Key.of(3))).freeze()
        .lora(2, 4.0);
  }

  /**
   * The MSE loss, plus at step {@link #BAD_STEP} a term that is 0 but whose derivative is not
   * finite: {@code sqrt(u)} at {@code u = 0} with {@code du/dw = 1} gives +Inf, {@code
   * sqrt(0 * w)} gives {@code Inf * 0 = NaN}.
   */
  private static TrainLoss<Batch> loss(Path leaf, boolean nan) {
    return loss(leaf, nan, BAD_STEP);
  }

  private static TrainLoss<Batch> loss(Path leaf, boolean nan, int badStep) {
    int[] calls = {0};
    return (m, b, key) -> {
      Tensor l = Losses.mse(m.apply(b.inputs()), b.targets());
      if (calls[0]++ != badStep) {
        return l;
      }
      Tensor w = Tree.leaf(m, leaf);
      Tensor u = nan ? w.times(0f) : w.minus(w.stopGradient());
      return l.plus(u.sqrt().sum());
    };
  }

  private static void assertAllFinite(Trainable<?> net) {
    for (Map.Entry<Path, Tensor> e : Tree.leavesByPath(net.module()).entrySet()) {
      assertEquals(-1, e.getValue().firstNonFinite(), "leaf " + e.getKey());
    }
  }

  private static DivergedException fit(Optimizer opt, Net net, TrainLoss<Batch> loss) {
    return assertThrows(DivergedException.class, () -> Trainer.builder().optimizer(opt)
        .epochs(3).progressBar(false).build().fit(net, BATCHES, loss));
  }

  @Test
  void aNanGradientUnderAFiniteLossStopsTheRun() {
    Net net = net();
    Path leaf = net.trainablePaths().get(1);
    DivergedException e = fit(Sgd.of(0.1), net, loss(leaf, true));
    assertEquals(leaf, e.leaf());
    assertTrue(e.getMessage().contains("step " + BAD_STEP + " overall")
        && e.getMessage().contains("'" + leaf + "'") && e.getMessage().contains("NaN")
        && e.getMessage().contains("loss is finite"), e.getMessage());
    assertEquals(BAD_STEP, e.history().steps());
    assertAllFinite(e.lastNet());
  }

  @Test
  void anInfiniteGradientStopsTheRunEvenWithClipping() {
    Net net = net();
    Path leaf = net.trainablePaths().get(0);
    DivergedException e = fit(AdamW.of(1e-2).withClipNorm(1.0), net, loss(leaf, false));
    assertEquals(leaf, e.leaf());
    assertTrue(e.getMessage().contains("Infinity"), e.getMessage());
    assertAllFinite(e.lastNet());
  }

  @Test
  void aNanGradientStopsTheRunEvenWithClipping() {
    Net net = net();
    Path leaf = net.trainablePaths().get(0);
    DivergedException e = fit(Sgd.of(0.1).withClipNorm(0.5), net, loss(leaf, true));
    assertEquals(leaf, e.leaf());
    assertAllFinite(e.lastNet());
  }

  @Test
  void netFitStopsEvenAtTheLastStep() {
    Net net = net();
    Path leaf = net.trainablePaths().get(0);
    // The last step's gradient is NaN: no later loss would show it.
    TrainLoss<Batch> bad = loss(leaf, true, 2 * BATCHES.size() - 1);
    DivergedException e = assertThrows(DivergedException.class, () -> net.fit(BATCHES,
        (Layer m, Batch b) -> bad.apply(m, b, Key.of(0)), Sgd.of(0.1), 2));
    assertEquals(leaf, e.leaf());
  }

  @Test
  void anUpdateThatOverflowsAWeightStopsTheRunBeforeItIsApplied() {
    Net net = net();
    Tensor before = Tree.leaf(net.module(), net.trainablePaths().get(0));
    float[] copy = before.toArray();
    // Finite gradients, finite learning rate, but lr * g overflows float32.
    DivergedException e = fit(Sgd.of(1e38), net, (m, b, key) -> Losses.mse(m.apply(b.inputs()),
        b.targets()).times(1e3f));
    assertTrue(e.getMessage().contains("the update made leaf '"), e.getMessage());
    assertTrue(e.leaf() != null && net.trainablePaths().contains(e.leaf()));
    assertAllFinite(e.lastNet());
    // The net passed in is untouched.
    assertEquals(Tensor.of(copy, before.shape()), before);
  }
}
