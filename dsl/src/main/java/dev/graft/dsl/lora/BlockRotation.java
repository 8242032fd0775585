package dev.graft.dsl.lora;

import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;

/**
 * Multiplying by a block-diagonal matrix {@code blockdiag(R_0, …, R_{n−1})} of {@code (r, r)}
 * blocks without forming it: the last axis of size {@code n·r} is split into {@code n} blocks and
 * block {@code i} is multiplied by {@code R_i} (or {@code R_iᵀ}) on the right, as one batched
 * matmul over the blocks.
 */
final class BlockRotation {
  private BlockRotation() {}

  /**
   * {@code m · blockdiag(R)} for {@code m (..., n·r)} and {@code rotations (n, r, r)}, or
   * {@code m · blockdiag(R)ᵀ} when {@code transpose}; the result has {@code m}'s shape.
   */
  public static Tensor applyRight(Tensor m, Tensor rotations, boolean transpose) {
    int n = rotations.dim(0);
    int r = rotations.dim(1);
    int[] s = m.shape();
    if (s.length == 0 || s[s.length - 1] != n * r) {
      throw new IllegalArgumentException("BlockRotation: " + n + " blocks of size " + r
          + " do not fit the last axis of " + Shapes.format(s));
    }
    int lead = Shapes.size(s) / (n * r);
    Tensor blocks = m.reshape(lead, n, r).permute(1, 0, 2);                // (n, L, r)
    Tensor turned = blocks.matmul(rotations, false, transpose);             // (n, L, r)
    return turned.permute(1, 0, 2).reshape(s);
  }
}
