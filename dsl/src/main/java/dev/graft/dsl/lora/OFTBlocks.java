package dev.graft.dsl.lora;

import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;

/**
 * What {@link OFTLinear} and {@link OFTConv} share: the rank rule ({@code r} is the block size
 * and must divide the input size), the zero initialization of {@code S (in/r, r, r)}, and the
 * rotation {@code W Rᵀ} of each neuron's input space with {@code R = blockdiag(Cayley(S_i −
 * S_iᵀ))}.
 */
public final class OFTBlocks {
  private OFTBlocks() {}

  /** Rejects a block size below 1 or one that does not divide {@code in}. */
  public static void checkBlockSize(String adapter, int r, int in) {
    if (r < 1) {
      throw new IllegalArgumentException(adapter + ": rank (the block size) must be >= 1, got "
          + r);
    }
    if (in % r != 0) {
      throw new IllegalArgumentException(adapter + ": rank " + r + " is the block size and must"
          + " divide the input size " + in + " (in % r = " + in % r + ")");
    }
  }

  /** {@code S = 0} of shape {@code (in/r, r, r)}: the identity rotation. */
  public static Tensor init(String adapter, int r, int in) {
    checkBlockSize(adapter, r, in);
    return Tensor.zeros(in / r, r, r);
  }

  /** Checks {@code S (n, r, r)} with {@code n·r = in}. */
  public static void check(String adapter, Tensor s, int in) {
    int r = s.ndim() == 3 ? s.dim(2) : 0;
    if (r < 1 || in % r != 0) {
      throw new IllegalArgumentException(adapter + ": oftS has shape "
          + Shapes.format(s.shape()) + ", expected (in/r, r, r) for in = " + in);
    }
    FieldShapes.check(adapter, "oftS", s, in / r, r, r);
  }

  /** {@code W Rᵀ} for {@code W (out, in)}: each row (neuron) rotated by {@code R}. */
  public static Tensor rotateWeight(Tensor w, Tensor s) {
    return BlockRotation.applyRight(w, Cayley.rotations(s), true);
  }
}
