package dev.graft.dsl.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import dev.graft.dsl.train.Batch;
import dev.graft.dsl.train.Gradients;
import dev.graft.dsl.train.LossAndGrads;
import dev.graft.dsl.train.Losses;
import dev.graft.dsl.train.TrainResult;
import dev.graft.dsl.train.Trainer;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Trainable;
import dev.graft.dsl.tree.TrainableTree;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Optimizers, gradients and the trainer work on a plain {@link Trainable} as on a {@code Net}:
 * the same numbers, and the kind they were given back.
 */
class TreeLevelTest {
  private static final Tensor X = Tensor.of(new float[] {1, 2, 3}, 3);
  private static final Tensor Y = Tensor.of(new float[] {0, 1, 2}, 3);

  /** A loss of the trainable leaf {@code w}: {@code mse(w·x, y)}. */
  private static Tensor loss(dev.graft.dsl.tree.Layer m) {
    return Losses.mse(Tree.leaf(m, Toy.W).times(X), Y);
  }

  @Test
  void aStepOnAPlainTreeEqualsTheStepOnTheNet() {
    Net net = Toy.net(Toy.P0);
    TrainableTree plain = Trainable.of(net.module(), List.of(Toy.W));
    assertEquals(net.trainablePaths(), plain.trainablePaths());
    for (Optimizer opt : List.of(Adam.of(0.1), AdamW.of(0.1), Sgd.of(0.1).withMomentum(0.9))) {
      Step<Net> a = opt.step(net, Toy.grads(Toy.G1), OptState.empty());
      Step<TrainableTree> b = opt.step(plain, Toy.grads(Toy.G1), OptState.empty());
      Step<Net> c = net.step(opt, Toy.grads(Toy.G1), OptState.empty());
      assertTrue(Tree.equals(a.net().module(), b.net().module()), opt.toString());
      assertTrue(Tree.equals(a.net().module(), c.net().module()), opt.toString());
      assertEquals(a.state(), b.state(), opt.toString());
      assertEquals(List.of(Toy.W), b.net().trainablePaths());
      // the frozen leaf is the very same object
      assertSame(Tree.leaf(plain.module(), Toy.FROZEN), Tree.leaf(b.net().module(), Toy.FROZEN));
    }
  }

  @Test
  void gradientsAndTheTrainerTakeAPlainTree() {
    Net net = Toy.net(Toy.P0);
    TrainableTree plain = Trainable.of(net.module(), net.trainablePaths());
    LossAndGrads onNet = Gradients.valueAndGrad(net, TreeLevelTest::loss);
    LossAndGrads onTree = Gradients.valueAndGrad(plain, TreeLevelTest::loss);
    assertEquals(onNet.item(), onTree.item());
    assertEquals(onNet.grads(), onTree.grads());

    Trainer trainer = Trainer.builder().optimizer(Adam.of(0.05)).epochs(3).progressBar(false)
        .build();
    List<Batch> batches = List.of(new Batch(X, Y));
    TrainResult<Net> a = trainer.fit(net, batches, (m, b) -> loss(m));
    TrainResult<TrainableTree> b = trainer.fit(plain, batches, (m, bt) -> loss(m));
    assertTrue(Tree.equals(a.net().module(), b.net().module()));
    assertEquals(a.history().stepLosses(), b.history().stepLosses());
    assertEquals(3, b.state().step());
  }

  @Test
  void aPlainTreeTakesOnlyItsLeavesAndKeepsTreeOrder() {
    Net net = Toy.net(Toy.P0);
    TrainableTree both = Trainable.of(net.module(), List.of(Toy.FROZEN, Toy.W));
    assertEquals(List.of(Toy.W, Toy.FROZEN), both.trainablePaths());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainable.of(net.module(), List.of(Path.of("nope"))));
    assertTrue(e.getMessage().contains("nope") && e.getMessage().contains("Toy"), e.getMessage());
  }
}
