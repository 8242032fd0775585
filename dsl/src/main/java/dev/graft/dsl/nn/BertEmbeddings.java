package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * BERT's input embeddings ({@code BertEmbeddings}): {@code LayerNorm(word[ids] + position[0..seq)
 * + token_type[types])}. The component names are Hugging Face's, so the tree's paths are its
 * parameter names ({@code embeddings/word_embeddings/weight}). Ids and token types are float
 * tensors of integer values, {@code (batch, seq)}.
 *
 * @param word_embeddings the token table {@code (vocab, hidden)}
 * @param position_embeddings the absolute position table {@code (maxPositions, hidden)}
 * @param token_type_embeddings the segment table {@code (typeVocab, hidden)}
 * @param LayerNorm the normalization of the sum
 */
public record BertEmbeddings(Layer word_embeddings, Layer position_embeddings,
    Layer token_type_embeddings, Layer LayerNorm) implements Layer {

  /** Tables drawn from {@code N(0, 1)} as {@link Embedding#create}; LayerNorm with {@code eps}. */
  public static BertEmbeddings create(int vocab, int hidden, int maxPositions, int typeVocab,
      float eps, Key key) {
    Key[] k = key.split(3);
    return new BertEmbeddings(Embedding.create(vocab, hidden, k[0]),
        Embedding.create(maxPositions, hidden, k[1]), Embedding.create(typeVocab, hidden, k[2]),
        dev.graft.dsl.nn.LayerNorm.create(new int[] {hidden}, eps, true));
  }

  /** The embeddings of {@code ids (batch, seq)} with every token type 0. */
  @Override
  public Tensor apply(Tensor ids) {
    return apply(ids, (Tensor) null);
  }

  /**
   * The embeddings of {@code ids (batch, seq)} with token types {@code types} of the same shape
   * (all 0 when {@code null}); gives {@code (batch, seq, hidden)}.
   */
  public Tensor apply(Tensor ids, @Nullable Tensor types) {
    if (ids.ndim() != 2) {
      throw new IllegalArgumentException("BertEmbeddings: input ids shape "
          + Shapes.format(ids.shape()) + " must be (batch, seq)");
    }
    if (types != null && !Arrays.equals(types.shape(), ids.shape())) {
      throw new IllegalArgumentException("BertEmbeddings: token types shape "
          + Shapes.format(types.shape()) + " differs from input ids " + Shapes.format(ids.shape()));
    }
    int s = ids.dim(1);
    if (position_embeddings instanceof Embedding table && s > table.numEmbeddings()) {
      throw new IllegalArgumentException("BertEmbeddings: sequence of " + s + " tokens is longer "
          + "than the " + table.numEmbeddings() + " positions the model has");
    }
    Tensor positions = position_embeddings.apply(Tensor.arange(s).reshape(1, s));
    // Without types every token has type 0: one row, broadcast over the batch and sequence.
    Tensor typeRows = token_type_embeddings.apply(types != null ? types : Tensor.zeros(1, 1));
    Tensor sum = word_embeddings.apply(ids).plus(positions).plus(typeRows);
    return LayerNorm.apply(sum);
  }
}
