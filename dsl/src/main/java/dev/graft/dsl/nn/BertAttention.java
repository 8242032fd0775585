package dev.graft.dsl.nn;

import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * BERT's attention block ({@code BertAttention}): self-attention followed by the residual
 * block, {@code output(self(x), x)}. The component names are Hugging Face's ({@code
 * attention/self/query}, {@code attention/output/dense}).
 *
 * @param self the multi-head self-attention
 * @param output the output projection, residual sum and LayerNorm
 */
public record BertAttention(SelfAttention self, AddNorm output)
    implements dev.graft.dsl.tree.Layer {

  /** A block of {@code hidden} features in {@code heads} heads; LayerNorm with {@code eps}. */
  public static BertAttention create(int hidden, int heads, float eps, Key key) {
    Key[] k = key.split(2);
    return new BertAttention(SelfAttention.create(hidden, heads, k[0]),
        AddNorm.create(hidden, hidden, eps, k[1]));
  }

  /** The block without a mask. */
  @Override
  public Tensor apply(Tensor x) {
    return attend(x, null);
  }

  /** The block with an additive attention mask (see {@link SelfAttention#attend}). */
  public Tensor attend(Tensor x, @Nullable Tensor mask) {
    return output.apply(self.attend(x, mask), x);
  }
}
