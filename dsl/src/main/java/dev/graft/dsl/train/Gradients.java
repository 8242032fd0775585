package dev.graft.dsl.train;

import dev.graft.autodiff.Grad;
import dev.graft.autodiff.ValueAndGrad;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Trainable;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Gradients of a loss with respect to the trainable leaves of a {@link Trainable} (a tree and its
 * trainable paths) — what {@code Net.valueAndGrad} does. Only the trainable leaves are
 * differentiated; the frozen ones are constants to autodiff, so no cotangent (no {@code dW} matmul) is computed for them.
 */
public final class Gradients {
  private Gradients() {}

  /**
   * The value of {@code loss} at the net's model and its gradient with respect to every trainable
   * leaf. {@code loss} receives the model tree and returns a scalar; it applies the model to a
   * batch it captures, e.g. {@code m -> Losses.mse(m.apply(x), y)}.
   *
   * @throws IllegalStateException when the net has no trainable leaf
   * @throws IllegalArgumentException when the loss does not return a one-element tensor
   */
  public static LossAndGrads valueAndGrad(Trainable<?> net, Function<Layer, Tensor> loss) {
    List<Path> paths = net.trainablePaths();
    if (paths.isEmpty()) {
      throw new IllegalStateException("valueAndGrad: the net has no trainable leaves; unfreeze some"
          + " (unfreeze(mask)) or add adapters (lora(...)) first");
    }
    Map<Path, Tensor> all = Tree.leavesByPath(net.module());
    List<Tensor> wrt = new ArrayList<>(paths.size());
    for (Path p : paths) {
      wrt.add(all.get(p));
    }
    ValueAndGrad vg = Grad.valueAndGrad(overTrainable(net, loss), wrt);
    Map<Path, Tensor> grads = new LinkedHashMap<>();
    for (int i = 0; i < paths.size(); i++) {
      grads.put(paths.get(i), vg.grads().get(i));
    }
    return new LossAndGrads(vg.value(), grads);
  }

  /**
   * {@code loss} as a function of the trainable leaves, given in the order of {@link
   * Trainable#trainablePaths()}: the tree is rebuilt with them in place (the frozen leaves
   * shared) and handed to {@code loss}. This is the function {@link #valueAndGrad} differentiates; pass it to
   * {@code GradCheck} to check a model's gradients.
   */
  public static Function<List<Tensor>, Tensor> overTrainable(Trainable<?> net,
      Function<Layer, Tensor> loss) {
    Layer module = net.module();
    List<Path> paths = net.trainablePaths();
    return leaves -> {
      if (leaves.size() != paths.size()) {
        throw new IllegalArgumentException("valueAndGrad: got " + leaves.size() + " tensors for "
            + paths.size() + " trainable leaves " + paths);
      }
      Map<Path, Tensor> replaced = new HashMap<>();
      for (int i = 0; i < paths.size(); i++) {
        replaced.put(paths.get(i), leaves.get(i));
      }
      Tensor value = loss.apply(Tree.combine(module, replaced));
      if (value == null) {
        throw new IllegalArgumentException("valueAndGrad: the loss returned null instead of a"
            + " scalar tensor");
      }
      if (value.size() != 1) {
        throw new IllegalArgumentException("valueAndGrad: the loss returned a tensor of shape "
            + Shapes.format(value.shape()) + "; reduce it to a scalar (mean or sum)");
      }
      return value;
    };
  }
}
