package dev.graft.dsl.optim;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autodiff.Grad;
import dev.graft.dsl.Net;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every optimizer promises: frozen leaves untouched, gradients checked by path, eager. */
class OptimizerContractTest {
  private static final List<Optimizer> ALL = List.of(Sgd.of(0.1), Sgd.of(0.1).withMomentum(0.5),
      Adam.of(0.1), AdamW.of(0.1));

  @Test
  void frozenLeavesAreTheSameObjects() {
    Net net = Toy.net(Toy.P0);
    Tensor frozen = Tree.leaf(net.module(), Toy.FROZEN);
    for (Optimizer opt : ALL) {
      Net next = opt.step(net, Toy.grads(Toy.G1), OptState.empty()).net();
      assertSame(frozen, Tree.leaf(next.module(), Toy.FROZEN), opt.toString());
      assertNotSame(Tree.leaf(net.module(), Toy.W), Tree.leaf(next.module(), Toy.W));
      assertTrue(next.trainablePaths().equals(List.of(Toy.W)), opt.toString());
    }
  }

  @Test
  void aGradientForAFrozenLeafIsRefusedByPath() {
    Map<Path, Tensor> g = Map.of(Toy.W, Tensor.of(Toy.G1, 3), Toy.FROZEN, Tensor.zeros(2));
    for (Optimizer opt : ALL) {
      var e = assertThrows(IllegalArgumentException.class,
          () -> opt.step(Toy.net(Toy.P0), g, OptState.empty()));
      assertTrue(e.getMessage().contains("'frozen', which is a frozen leaf"), e.getMessage());
    }
  }

  @Test
  void missingUnknownAndMisshapenGradientsAreRefused() {
    Optimizer opt = AdamW.of(0.1);
    var missing = assertThrows(IllegalArgumentException.class,
        () -> opt.step(Toy.net(Toy.P0), Map.of(), OptState.empty()));
    assertTrue(missing.getMessage().contains("no gradient for the trainable leaves [w]"),
        missing.getMessage());
    var unknown = assertThrows(IllegalArgumentException.class,
        () -> opt.step(Toy.net(Toy.P0), Map.of(Path.of("nope"), Tensor.zeros(1)),
            OptState.empty()));
    assertTrue(unknown.getMessage().contains("'nope', which is not a leaf"), unknown.getMessage());
    var shape = assertThrows(IllegalArgumentException.class,
        () -> opt.step(Toy.net(Toy.P0), Map.of(Toy.W, Tensor.zeros(2)), OptState.empty()));
    assertTrue(shape.getMessage().contains("'w' has shape (2,) but the leaf has shape (3,)"),
        shape.getMessage());
  }

  @Test
  void stateForAnotherShapeIsRefused() {
    OptState other = OptState.of(1, Map.of("m", Map.of(Toy.W, Tensor.zeros(5)),
        "v", Map.of(Toy.W, Tensor.zeros(5))));
    var e = assertThrows(IllegalArgumentException.class,
        () -> Adam.of(0.1).step(Toy.net(Toy.P0), Toy.grads(Toy.G1), other));
    assertTrue(e.getMessage().contains("slot 'm' of 'w'"), e.getMessage());
  }

  @Test
  void steppingInsideATraceIsRefused() {
    Net net = Toy.net(Toy.P0);
    var e = assertThrows(IllegalStateException.class, () -> Grad.valueAndGrad(xs -> {
      Sgd.of(0.1).step(net, Toy.grads(Toy.G1), OptState.empty());
      return xs.get(0).sum();
    }, List.of(Tensor.ones(2))));
    assertTrue(e.getMessage().contains("inside a gradient trace"), e.getMessage());
  }

  @Test
  void theStateIsImmutableAndSharedWhereUnchanged() {
    OptState s0 = OptState.empty();
    Step<Net> s1 = Adam.of(0.1).step(Toy.net(Toy.P0), Toy.grads(Toy.G1), s0);
    assertTrue(s0.slotNames().isEmpty());
    assertThrows(UnsupportedOperationException.class,
        () -> s1.state().slot("m").put(Toy.W, Tensor.zeros(3)));
  }
}
