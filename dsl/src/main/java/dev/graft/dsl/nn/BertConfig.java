package dev.graft.dsl.nn;

import dev.graft.runtime.Tensor;
import java.util.Map;

/**
 * The sizes of a BERT encoder, as in Hugging Face's {@code BertConfig}.
 *
 * @param vocab the number of token ids ({@code vocab_size})
 * @param hidden the width of every token's vector ({@code hidden_size})
 * @param layers the number of encoder layers ({@code num_hidden_layers})
 * @param heads the number of attention heads ({@code num_attention_heads}); divides {@code hidden}
 * @param intermediate the width of the feed-forward expansion ({@code intermediate_size})
 * @param maxPositions the longest sequence ({@code max_position_embeddings})
 * @param typeVocab the number of token types ({@code type_vocab_size})
 * @param eps the LayerNorms' epsilon ({@code layer_norm_eps})
 */
public record BertConfig(int vocab, int hidden, int layers, int heads, int intermediate,
    int maxPositions, int typeVocab, float eps) {

  /** Checks that every size is positive and {@code heads} divides {@code hidden}. */
  public BertConfig {
    if (vocab < 1 || hidden < 1 || layers < 0 || heads < 1 || intermediate < 1
        || maxPositions < 1 || typeVocab < 1) {
      throw new IllegalArgumentException("BertConfig: sizes must be positive (layers >= 0): vocab="
          + vocab + ", hidden=" + hidden + ", layers=" + layers + ", heads=" + heads
          + ", intermediate=" + intermediate + ", maxPositions=" + maxPositions + ", typeVocab="
          + typeVocab);
    }
    if (hidden % heads != 0) {
      throw new IllegalArgumentException("BertConfig: hidden size " + hidden
          + " is not divisible by " + heads + " heads");
    }
    if (!(eps >= 0f) || Float.isInfinite(eps)) {
      throw new IllegalArgumentException("BertConfig: eps must be finite and >= 0, got " + eps);
    }
  }

  /**
   * The sizes read off Hugging Face-named weights ({@code embeddings.word_embeddings.weight},
   * {@code encoder.layer.N....}, dotted), with the two numbers weights do not show: {@code heads}
   * and {@code eps}. A missing weight is an {@link IllegalArgumentException} naming it.
   */
  public static BertConfig fromWeights(Map<String, Tensor> weights, int heads, float eps) {
    Tensor word = require(weights, "embeddings.word_embeddings.weight");
    Tensor pos = require(weights, "embeddings.position_embeddings.weight");
    Tensor type = require(weights, "embeddings.token_type_embeddings.weight");
    int layers = 0;
    while (weights.containsKey("encoder.layer." + layers + ".attention.self.query.bias")) {
      layers++;
    }
    int intermediate = layers == 0 ? 1
        : require(weights, "encoder.layer.0.intermediate.dense.bias").dim(0);
    return new BertConfig(word.dim(0), word.dim(1), layers, heads, intermediate, pos.dim(0),
        type.dim(0), eps);
  }

  private static Tensor require(Map<String, Tensor> weights, String name) {
    Tensor t = weights.get(name);
    if (t == null) {
      throw new IllegalArgumentException("BertConfig: no weight '" + name + "' among "
          + weights.size() + " weights");
    }
    return t;
  }
}
