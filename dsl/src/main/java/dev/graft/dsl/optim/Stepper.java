package dev.graft.dsl.optim;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Trainable;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Dispatch;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import dev.graft.runtime.kernel.Parallel;
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
  /** Parameters from which a step's leaves are split across the kernel threads. */
  private static final long PARALLEL_MIN = 1 << 16;

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

  static <T extends Trainable<T>> Step<T> step(String op, T net, Map<Path, Tensor> grads,
      OptState state, Schedule schedule, double clipNorm, Rule rule) {
    if (Dispatch.current() != Dispatch.eager()) {
      throw new IllegalStateException(op + ".step: called inside a gradient trace; optimizer"
          + " updates run eagerly, outside valueAndGrad");
    }
    Layer module = net.module();
    Map<Path, Tensor> params = new LinkedHashMap<>();
    Map<Path, Tensor> all = Tree.leavesByPath(module);
    for (Path p : net.trainablePaths()) {
      params.put(p, all.get(p));
    }
    check(op, params, grads, all.keySet());
    Map<Path, List<Path>> ties = Ties.group(op, params, all, grads);

    double lr = schedule.at(state.step());
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalStateException(op + ".step: the schedule gave learning rate " + lr
          + " at step " + state.step() + "; it must be finite and >= 0");
    }

    // One update per distinct tensor: a tied weight is stepped once, at its first path.
    List<Path> paths = new ArrayList<>(ties.keySet());
    List<String> slotNames = rule.slots();
    int leaves = paths.size();
    // The state's shapes are checked first, so the parallel part below cannot fail half-way.
    Tensor[][] oldSlots = new Tensor[leaves][slotNames.size()];
    long elements = 0;
    for (int k = 0; k < leaves; k++) {
      Path path = paths.get(k);
      int[] shape = params.get(path).shape();
      elements += params.get(path).size();
      for (int s = 0; s < slotNames.size(); s++) {
        Tensor old = state.get(slotNames.get(s), path);
        if (old != null && !Arrays.equals(old.shape(), shape)) {
          throw new IllegalArgumentException(op + ".step: state slot '" + slotNames.get(s)
              + "' of '" + path + "' has shape " + Shapes.format(old.shape()) + " but the leaf has "
              + Shapes.format(shape) + "; was the state made for another net?");
        }
        oldSlots[k][s] = old;
      }
    }

    // Copies of the gradients (ours to scale in place); with clipping, the global norm first.
    float[][] g = new float[leaves][];
    float scale = 1f;
    if (clipNorm != Double.POSITIVE_INFINITY) {
      double sumSq = 0;
      for (int k = 0; k < leaves; k++) {
        g[k] = grads.get(paths.get(k)).toArray();
        sumSq += Clip.sumOfSquares(g[k]);
      }
      scale = (float) Clip.scale(Math.sqrt(sumSq), clipNorm);
    }

    // Leaves are independent: they are updated on the kernel threads, copies included (a full
    // fine-tuning step moves several times the model's size through memory).
    long t = state.step() + 1;
    float gradScale = scale;
    float[][] newP = new float[leaves][];
    float[][][] newS = new float[leaves][][];
    Parallel.forRange(leaves, elements, PARALLEL_MIN, (from, to) -> {
      for (int k = from; k < to; k++) {
        Path path = paths.get(k);
        float[] gk = g[k] != null ? g[k] : grads.get(path).toArray();
        if (gradScale != 1f) {
          for (int i = 0; i < gk.length; i++) {
            gk[i] *= gradScale;
          }
        }
        float[] p = params.get(path).toArray();
        float[][] slots = new float[slotNames.size()][];
        for (int s = 0; s < slots.length; s++) {
          slots[s] = oldSlots[k][s] == null ? new float[p.length] : oldSlots[k][s].toArray();
        }
        rule.update(p, gk, slots, t, lr);
        newP[k] = p;
        newS[k] = slots;
      }
    });

    Map<Path, Tensor> newParams = new LinkedHashMap<>();
    Map<String, Map<Path, Tensor>> newSlots = new LinkedHashMap<>();
    for (String s : slotNames) {
      newSlots.put(s, new LinkedHashMap<>());
    }
    for (int k = 0; k < leaves; k++) {
      Path path = paths.get(k);
      int[] shape = params.get(path).shape();
      Tensor p = Tensor.adopt(newP[k], shape);
      Tensor[] slots = new Tensor[slotNames.size()];
      for (int s = 0; s < slots.length; s++) {
        slots[s] = Tensor.adopt(newS[k][s], shape);
      }
      for (Path tied : ties.get(path)) {
        newParams.put(tied, p);
        for (int s = 0; s < slots.length; s++) {
          newSlots.get(slotNames.get(s)).put(tied, slots[s]);
        }
      }
    }
    return new Step<>(net.withModule(Tree.combine(module, newParams)), state.next(newSlots));
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
