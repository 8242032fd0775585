package dev.graft.dsl.nn;

import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * One post-LN transformer encoder layer as BERT's {@code BertLayer}: {@code a =
 * LayerNorm(x + attention(x))}, then {@code LayerNorm(a + output.dense(gelu(intermediate(a))))}.
 * The component names are Hugging Face's, so paths are its parameter names.
 *
 * @param attention self-attention with its residual block
 * @param intermediate the feed-forward expansion with GELU
 * @param output the feed-forward projection back, residual sum and LayerNorm
 */
public record BertLayer(BertAttention attention, Intermediate intermediate, AddNorm output)
    implements dev.graft.dsl.tree.Layer {

  /** A layer of the given sizes, initialized as {@link Linear} and {@link LayerNorm} are. */
  public static BertLayer create(int hidden, int heads, int intermediateSize, float eps,
      Key key) {
    Key[] k = key.split(3);
    return new BertLayer(BertAttention.create(hidden, heads, eps, k[0]),
        Intermediate.create(hidden, intermediateSize, k[1]),
        AddNorm.create(intermediateSize, hidden, eps, k[2]));
  }

  /** The layer without a mask. */
  @Override
  public Tensor apply(Tensor x) {
    return apply(x, (Tensor) null);
  }

  /** The layer with an additive attention mask (see {@link SelfAttention#attend}). */
  public Tensor apply(Tensor x, @Nullable Tensor mask) {
    Tensor a = attention.attend(x, mask);
    return output.apply(intermediate.apply(a), a);
  }
}
