package dev.graft.dsl.optim;

import dev.graft.dsl.Module;
import dev.graft.dsl.Net;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Dispatch;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part every optimizer shares: checks the gradients against the trainable leaves, clips by
 * global norm, runs the optimizer's fused per-leaf {@link Rule} on fresh copies of the parameter and
 * its state slots, and puts the results back into the tree and the state.
 */
final class Stepper {
  private Stepper() {}

  /** One optimizer's per-leaf update, done in place on arrays the stepper owns. */
  interface Rule {
    /** The names of the per-leaf state slots, e.g. {@code m} and {@code v}. */
    List<String> slots();

    /**
     * Updates the parameter {@code p} and the slot arrays in place from the gradient {@code g}
     * (which may be overwritten too).
     *
     * @param t the number of this step, counting from 1
     * @param lr this step's learning rate
     */
    void update(float[] p, float[] g, float[][] slots, long t, double lr);
  }

  static Step step(String op, Net net, Map<Path, Tensor> grads, OptState state,
      Schedule schedule, double clipNorm, Rule rule) {
    if (Dispatch.current() != Dispatch.eager()) {
      throw new IllegalStateException(op + ".step: called inside a gradient trace; optimizer"
          + " updates run eagerly, outside valueAndGrad");
    }
    Module module = net.module();
    Map<Path, Tensor> params = new LinkedHashMap<>();
    Map<Path, Tensor> all = Tree.leavesByPath(module);
    for (Path p : net.trainablePaths()) {
      params.put(p, all.get(p));
    }
    check(op, params, grads, all.keySet());

    double lr = schedule.at(state.step());
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalStateException(op + ".step: the schedule gave learning rate " + lr
          + " at step " + state.step() + "; it must be finite and >= 0");
    }

    // Copies of the gradients (ours to scale in place), then the global norm if clipping.
    List<float[]> g = new ArrayList<>(params.size());
    double sumSq = 0;
    for (Path p : params.keySet()) {
      float[] a = grads.get(p).toArray();
      g.add(a);
      if (clipNorm != Double.POSITIVE_INFINITY) {
        sumSq += Clip.sumOfSquares(a);
      }
    }
    if (clipNorm != Double.POSITIVE_INFINITY) {
      float scale = (float) Clip.scale(Math.sqrt(sumSq), clipNorm);
      if (scale != 1f) {
        for (float[] a : g) {
          for (int i = 0; i < a.length; i++) {
            a[i] *= scale;
          }
        }
      }
    }

    List<String> slotNames = rule.slots();
    Map<Path, Tensor> newParams = new LinkedHashMap<>();
    Map<String, Map<Path, Tensor>> newSlots = new LinkedHashMap<>();
    for (String s : slotNames) {
      newSlots.put(s, new LinkedHashMap<>());
    }
    long t = state.step() + 1;
    int k = 0;
    for (Map.Entry<Path, Tensor> e : params.entrySet()) {
      Path path = e.getKey();
      Tensor param = e.getValue();
      int[] shape = param.shape();
      float[] p = param.toArray();
      float[][] slots = new float[slotNames.size()][];
      for (int s = 0; s < slots.length; s++) {
        Tensor old = state.get(slotNames.get(s), path);
        if (old == null) {
          slots[s] = new float[p.length];
        } else if (!Arrays.equals(old.shape(), shape)) {
          throw new IllegalArgumentException(op + ".step: state slot '" + slotNames.get(s)
              + "' of '" + path + "' has shape " + Shapes.format(old.shape()) + " but the leaf has "
              + Shapes.format(shape) + "; was the state made for another net?");
        } else {
          slots[s] = old.toArray();
        }
      }
      rule.update(p, g.get(k++), slots, t, lr);
      newParams.put(path, Tensor.adopt(p, shape));
      for (int s = 0; s < slots.length; s++) {
        newSlots.get(slotNames.get(s)).put(path, Tensor.adopt(slots[s], shape));
      }
    }
    Net next = net.withModule(Tree.combine(module, newParams));
    return new Step(next, state.next(newSlots));
  }

  private static void check(String op, Map<Path, Tensor> params, Map<Path, Tensor> grads,
      Set<Path> leaves) {
    for (Map.Entry<Path, Tensor> e : grads.entrySet()) {
      Path p = e.getKey();
      Tensor param = params.get(p);
      if (param == null) {
        throw new IllegalArgumentException(op + ".step: got a gradient for '" + p + "', which is "
            + (leaves.contains(p) ? "a frozen leaf" : "not a leaf of the net")
            + "; the trainable leaves are " + params.keySet());
      }
      if (!Arrays.equals(e.getValue().shape(), param.shape())) {
        throw new IllegalArgumentException(op + ".step: the gradient for '" + p + "' has shape "
            + Shapes.format(e.getValue().shape()) + " but the leaf has shape "
            + Shapes.format(param.shape()));
      }
    }
    if (grads.size() != params.size()) {
      Set<Path> missing = new LinkedHashSet<>(params.keySet());
      missing.removeAll(grads.keySet());
      throw new IllegalArgumentException(op + ".step: no gradient for the trainable leaves "
          + missing + "; pass the grads of net.valueAndGrad for this very net");
    }
  }
}
