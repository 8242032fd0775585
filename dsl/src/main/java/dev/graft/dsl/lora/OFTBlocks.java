package dev.graft.dsl.lora;

import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;

/**
 * What {@link OFTAdapter} needs on either axis: the rank rule ({@code r} is the block size and
 * must divide the rotated axis: the input size of a Linear, the output channels of a conv), and
 * the rotations with {@code R = blockdiag(Cayley(S_i − S_iᵀ))}: {@code W Rᵀ} of each neuron's
 * input space, or {@code R W} across the output channels.
 */
final class OFTBlocks {
  private OFTBlocks() {}

  /**
   * Rejects a block size below 1 or one that does not divide {@code size}, the rotated axis
   * ({@code what}, for example {@code "output channels"}, written {@code sym} in formulas).
   */
  static void checkBlockSize(String adapter, int r, int size, String what, String sym) {
    if (r < 1) {
      throw new IllegalArgumentException(adapter + ": rank (the block size) must be >= 1, got "
          + r);
    }
    if (size % r != 0) {
      throw new IllegalArgumentException(adapter + ": rank " + r + " is the block size and must"
          + " divide the " + what + " " + size + " (" + sym + " % r = " + size % r + ")");
    }
  }

  /** Checks {@code S (n, r, r)} with {@code n·r = size}, the rotated axis written {@code sym}. */
  static void check(String adapter, WeightView view, Tensor s, int size, String sym) {
    int[] shape = view.perMatrix(adapter, "oftS", s);
    int r = shape.length == 3 ? shape[2] : 0;
    if (r < 1 || size % r != 0) {
      throw new IllegalArgumentException(adapter + ": oftS has shape "
          + Shapes.format(shape) + ", expected (" + sym + "/r, r, r) for " + sym + " = "
          + size);
    }
    FieldShapes.check(adapter, view, "oftS", s, size / r, r, r);
  }

  /** {@code R W} for {@code W (out, in)}: each column rotated, i.e. the rows (outputs) mixed. */
  static Tensor rotateRows(Tensor w, Tensor s) {
    return BlockRotation.applyRight(w.transpose(), Cayley.rotations(s), true).transpose();
  }

  /** {@code W Rᵀ} for {@code W (out, in)}: each row (neuron) rotated by {@code R}. */
  static Tensor rotateWeight(Tensor w, Tensor s) {
    return BlockRotation.applyRight(w, Cayley.rotations(s), true);
  }
}
