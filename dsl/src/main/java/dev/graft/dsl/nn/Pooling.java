package dev.graft.dsl.nn;

import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;

/**
 * Sentence embeddings from token vectors, as {@code sentence-transformers} computes them: the
 * mean over the real tokens, then L2 normalization.
 */
public final class Pooling {
  private Pooling() {}

  /**
   * The mean of {@code hidden (batch, seq, dim)} over the positions where {@code mask (batch,
   * seq)} is 1, giving {@code (batch, dim)}; a row without real tokens gives 0 (the count is
   * clamped to {@code 1e-9} as sentence-transformers does).
   */
  public static Tensor mean(Tensor hidden, Tensor mask) {
    if (hidden.ndim() != 3 || mask.ndim() != 2
        || !Arrays.equals(Arrays.copyOf(hidden.shape(), 2), mask.shape())) {
      throw new IllegalArgumentException("Pooling.mean: hidden " + Shapes.format(hidden.shape())
          + " and mask " + Shapes.format(mask.shape()) + " must be (batch, seq, dim) and "
          + "(batch, seq)");
    }
    Tensor m = mask.unsqueeze(2);
    Tensor count = mask.sum(new int[] {1}, true).maximum(1e-9f);
    return hidden.times(m).sum(1).div(count);
  }

  /** Each row of {@code x (..., dim)} divided by its L2 norm (at least {@code 1e-12}). */
  public static Tensor l2Normalize(Tensor x) {
    return x.div(x.norm(new int[] {-1}, true).maximum(1e-12f));
  }
}
