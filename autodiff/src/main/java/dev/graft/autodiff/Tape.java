package dev.graft.autodiff;

import dev.graft.runtime.Primitive;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The recorded part of one traced call: leaves (the distinct differentiated tensors) followed by
 * the applications that depend on them, in execution order. Backward walks it once in reverse.
 *
 * <p>A node keeps its pullback (which holds only what its rule needs), the node ids of its inputs
 * ({@code -1} for a constant input) and its inputs' shapes; never the forward values themselves.
 */
final class Tape {
  /** One tape entry: a leaf has no pullback and no inputs. */
  record Node(@Nullable Primitive primitive, @Nullable Pullback pullback, int[] inputs,
      int[][] inputShapes, int[] shape) {
    boolean isLeaf() {
      return pullback == null;
    }
  }

  private final @Nullable Node[] nodes;

  Tape(Node[] nodes) {
    this.nodes = nodes;
  }

  /** Number of entries (leaves included). */
  int size() {
    return nodes.length;
  }

  /** The primitive of each recorded application, in order (leaves left out); for tests. */
  java.util.List<Primitive> recorded() {
    java.util.List<Primitive> out = new java.util.ArrayList<>();
    for (Node n : nodes) {
      if (n != null && n.primitive() != null) {
        out.add(n.primitive());
      }
    }
    return out;
  }

  /**
   * Propagates {@code seed} (the cotangent of node {@code output}) back to the leaves and returns
   * one cotangent per leaf id in {@code leaves} (zeros for a leaf nothing flowed to). Each
   * intermediate cotangent is dropped as soon as its node has been processed; when {@code
   * release} is set each node is dropped too, so the tape can be walked only once.
   */
  Tensor[] backward(int output, Tensor seed, int[] leaves, boolean release) {
    @Nullable Tensor[] cot = new @Nullable Tensor[nodes.length];
    cot[output] = seed;
    for (int i = output; i >= 0; i--) {
      Tensor g = cot[i];
      Node node = nodes[i];
      if (node == null) {
        throw new IllegalStateException("autodiff: this tape was already walked and released");
      }
      if (g == null || node.isLeaf()) {
        continue;
      }
      cot[i] = null;
      if (release) {
        nodes[i] = null;
      }
      @Nullable Tensor[] parts = node.pullback().apply(g);
      for (int k = 0; k < node.inputs().length; k++) {
        int id = node.inputs()[k];
        Tensor part = k < parts.length ? parts[k] : null;
        if (id < 0 || part == null) {
          continue;
        }
        if (!Arrays.equals(part.shape(), node.inputShapes()[k])) {
          throw new IllegalStateException("autodiff: VJP rule of " + node.primitive()
              + " returned a cotangent of shape " + Shapes.format(part.shape()) + " for input " + k
              + " of shape " + Shapes.format(node.inputShapes()[k]));
        }
        Tensor prev = cot[id];
        cot[id] = prev == null ? part : prev.plus(part);
      }
    }
    Tensor[] out = new Tensor[leaves.length];
    for (int k = 0; k < leaves.length; k++) {
      Tensor c = cot[leaves[k]];
      out[k] = c != null ? c : leafZeros(leaves[k]);
    }
    return out;
  }

  /** Zeros of the shape of leaf {@code id}: the cotangent of a leaf nothing flowed to. */
  Tensor leafZeros(int id) {
    Node leaf = nodes[id];
    if (leaf == null || !leaf.isLeaf()) {
      throw new IllegalStateException("autodiff: node " + id + " is not a leaf");
    }
    return Tensor.zeros(leaf.shape());
  }
}
