package dev.graft.dsl.optim;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.tree.Mask;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.util.Map;

/** A two-leaf model for optimizer tests: {@code w} trains, {@code frozen} does not. */
record Toy(Tensor w, Tensor frozen) implements Layer {
  static final Path W = Path.of("w");
  static final Path FROZEN = Path.of("frozen");

  @Override
  public Tensor apply(Tensor x) {
    return x.times(w).plus(frozen);
  }

  /** A net over {@code w = p0} and a frozen leaf. */
  static Net net(float... p0) {
    return Net.of(new Toy(Tensor.of(p0, p0.length), Tensor.of(new float[] {7, 8}, 2)))
        .freeze(Mask.of(FROZEN));
  }

  static Map<Path, Tensor> grads(float... g) {
    return Map.of(W, Tensor.of(g, g.length));
  }

  static float[] w(Net net) {
    return Tree.leaf(net.module(), W).toArray();
  }

  static final float[] P0 = {1.0f, -2.0f, 0.5f};
  static final float[] G1 = {0.5f, -1.0f, 2.0f};
  static final float[] G2 = {-0.3f, 0.2f, 1.0f};

  /** Two steps of {@code opt} from {@link #P0} with {@link #G1} then {@link #G2}. */
  static Net[] twoSteps(Optimizer opt) {
    Net net = net(P0);
    Step<Net> s1 = opt.step(net, grads(G1), OptState.empty());
    Step<Net> s2 = opt.step(s1.net(), grads(G2), s1.state());
    return new Net[] {s1.net(), s2.net()};
  }
}
