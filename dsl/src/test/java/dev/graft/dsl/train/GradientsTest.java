package dev.graft.dsl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autodiff.GradCheck;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.nn.Activation;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.tree.Mask;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Net#valueAndGrad}: gradients for exactly the trainable leaves, each matching finite
 * differences.
 */
class GradientsTest {
  private static final Tensor X = Random.normal(Key.of(1), 6, 4);
  private static final Tensor Y = Random.normal(Key.of(2), 6, 3);
  private static final Function<Layer, Tensor> LOSS = m -> Losses.mse(m.apply(X), Y);

  private static Mlp mlp() {
    return Mlp.create(new int[] {4, 5, 3}, Activation.TANH, Key.of(7));
  }

  private static List<String> gradPaths(Net net) {
    List<String> out = new ArrayList<>();
    for (Path p : net.valueAndGrad(LOSS).grads().keySet()) {
      out.add(p.toString());
    }
    return out;
  }

  /** Moves every trainable leaf a little so LoRA's zero-initialized B is not zero any more. */
  private static Net perturbed(Net net) {
    Layer m = net.module();
    int i = 0;
    for (Path p : net.trainablePaths()) {
      Tensor t = Tree.leaf(m, p);
      m = Tree.set(m, p, t.plus(Random.normal(Key.of(99).foldIn(i++), t.shape()).times(0.3f)));
    }
    return net.withModule(m);
  }

  @Test
  void aFreshNetHasAGradientForEveryLeafInTreeOrder() {
    assertEquals(List.of("layers/0/weight", "layers/0/bias", "layers/1/weight", "layers/1/bias"),
        gradPaths(Net.of(mlp())));
  }

  @Test
  void afterFreezeAndLoraOnlyTheAdaptersHaveGradients() {
    Net net = Net.of(mlp()).freeze().lora(2, 4.0);
    assertEquals(List.of("layers/0/loraA", "layers/0/loraB", "layers/1/loraA", "layers/1/loraB"),
        gradPaths(net));
  }

  @Test
  void unfreezeAndFreezeByMaskAreFollowed() {
    Net net = Net.of(mlp()).freeze().lora(2, 4.0).unfreeze(Mask.regex(".*/bias"));
    assertEquals(List.of("layers/0/base/bias", "layers/0/loraA", "layers/0/loraB",
        "layers/1/base/bias", "layers/1/loraA", "layers/1/loraB"), gradPaths(net));
    assertEquals(List.of("layers/0/base/bias", "layers/1/base/bias", "layers/1/loraA",
        "layers/1/loraB"), gradPaths(net.freeze(Mask.regex("layers/0/lora.*"))));
    assertEquals(List.of("layers/1/weight"),
        gradPaths(Net.of(mlp()).freeze().unfreeze(Mask.of("layers/1/weight"))));
  }

  @Test
  void gradientsHaveTheirLeavesShapesAndTheValueIsTheLoss() {
    Net net = perturbed(Net.of(mlp()).freeze().lora(2, 4.0));
    LossAndGrads lg = net.valueAndGrad(LOSS);
    assertEquals(LOSS.apply(net.module()).item(), lg.item(), 0f);
    for (Map.Entry<Path, Tensor> e : lg.grads().entrySet()) {
      assertTrue(Arrays.equals(Tree.leaf(net.module(), e.getKey()).shape(),
          e.getValue().shape()), e.getKey().toString());
    }
  }

  @Test
  void everyGradientMatchesCentralDifferences() {
    Net net = perturbed(Net.of(mlp()).freeze().lora(2, 4.0).unfreeze(Mask.regex(".*/bias")));
    LossAndGrads lg = net.valueAndGrad(LOSS);
    double worst = 0;
    int checked = 0;
    for (Map.Entry<Path, Tensor> e : lg.grads().entrySet()) {
      Path path = e.getKey();
      float[] analytic = e.getValue().toArray();
      Tensor leaf = Tree.leaf(net.module(), path);
      float[] x = leaf.toArray();
      double scale = 0;
      double[] numeric = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        float x0 = x[i];
        float plus = x0 + 1e-2f;
        float minus = x0 - 1e-2f;
        x[i] = plus;
        double up = LOSS.apply(Tree.set(net.module(), path, Tensor.of(x, leaf.shape()))).item();
        x[i] = minus;
        double down = LOSS.apply(Tree.set(net.module(), path, Tensor.of(x, leaf.shape()))).item();
        x[i] = x0;
        numeric[i] = (up - down) / ((double) plus - minus);
        scale = Math.max(scale, Math.abs(numeric[i]));
      }
      for (int i = 0; i < x.length; i++) {
        double err = Math.abs(analytic[i] - numeric[i])
            / Math.max(0.1 * scale + 1e-6, Math.max(Math.abs(analytic[i]), Math.abs(numeric[i])));
        assertTrue(err < 1e-2, path + "[" + i + "]: analytic " + analytic[i] + ", numeric "
            + numeric[i]);
        worst = Math.max(worst, err);
        checked++;
      }
      assertTrue(scale > 1e-4, path + " has an all-zero gradient: the check would prove nothing");
    }
    assertEquals(2 * 4 + 5 * 2 + 5 + 2 * 5 + 3 * 2 + 3, checked);
    assertTrue(worst < 1e-2, "worst " + worst);
  }

  @Test
  void theDifferentiatedFunctionPassesGradCheck() {
    Net net = perturbed(Net.of(mlp()).freeze().lora(2, 4.0));
    List<Tensor> leaves = new ArrayList<>();
    for (Path p : net.trainablePaths()) {
      leaves.add(Tree.leaf(net.module(), p));
    }
    GradCheck.assertGradients(Gradients.overTrainable(net, LOSS), leaves);
  }

  @Test
  void aNetWithoutTrainableLeavesIsRefused() {
    var e = assertThrows(IllegalStateException.class,
        () -> Net.of(mlp()).freeze().valueAndGrad(LOSS));
    assertTrue(e.getMessage().contains("no trainable leaves"), e.getMessage());
  }

  @Test
  void aNonScalarLossIsRefusedWithItsShape() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Net.of(mlp()).valueAndGrad(m -> m.apply(X)));
    assertTrue(e.getMessage().contains("(6, 3)") && e.getMessage().contains("reduce it"),
        e.getMessage());
  }
}
