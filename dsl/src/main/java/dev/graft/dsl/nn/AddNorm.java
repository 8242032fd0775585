package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;

/**
 * The post-LN residual block of a BERT layer ({@code BertSelfOutput}, {@code BertOutput}):
 * {@code LayerNorm(dense(x) + residual)}. The component names are Hugging Face's, so the tree's
 * paths are its parameter names ({@code attention/output/LayerNorm/weight}); both children are
 * declared as {@link Layer} so an adapter can wrap {@code dense}.
 *
 * @param dense the projection of the block's input, {@code in -> hidden}
 * @param LayerNorm the normalization over {@code hidden} after the residual sum
 */
public record AddNorm(Layer dense, Layer LayerNorm) implements Layer {

  /** A block from {@code in} to {@code hidden} features; LayerNorm with {@code eps}. */
  public static AddNorm create(int in, int hidden, float eps, Key key) {
    return new AddNorm(Linear.create(in, hidden, key),
        dev.graft.dsl.nn.LayerNorm.create(new int[] {hidden}, eps, true));
  }

  /** {@code LayerNorm(dense(x) + residual)}; {@code residual} has {@code dense(x)}'s shape. */
  public Tensor apply(Tensor x, Tensor residual) {
    return LayerNorm.apply(dense.apply(x).plus(residual));
  }

  /**
   * Refused: the block needs its residual input; an {@link UnsupportedOperationException} that
   * says to call {@link #apply(Tensor, Tensor)}.
   */
  @Override
  public Tensor apply(Tensor x) {
    throw new UnsupportedOperationException("AddNorm: needs the residual input as well; call "
        + "apply(x, residual)");
  }
}
