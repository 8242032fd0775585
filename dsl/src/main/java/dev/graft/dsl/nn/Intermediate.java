package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;

/**
 * The feed-forward expansion of a BERT layer ({@code BertIntermediate}): {@code gelu(dense(x))}
 * with the exact (erf) GELU. {@code dense} is declared as {@link Layer} so an adapter can wrap
 * it.
 *
 * @param dense the projection {@code hidden -> intermediate}
 */
public record Intermediate(Layer dense) implements Layer {

  /** A block from {@code hidden} to {@code intermediate} features. */
  public static Intermediate create(int hidden, int intermediate, Key key) {
    return new Intermediate(Linear.create(hidden, intermediate, key));
  }

  /** {@code gelu(dense(x))}. */
  @Override
  public Tensor apply(Tensor x) {
    return dense.apply(x).gelu();
  }
}
