package dev.graft.samples;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.nn.Bert;
import dev.graft.dsl.nn.Pooling;
import dev.graft.dsl.nn.SelfAttention;
import dev.graft.runtime.Tensor;

/**
 * A sentence classifier over a BERT encoder, laid out as Hugging Face's {@code
 * BertForSequenceClassification} ({@code bert/...}, {@code classifier/...}), so a PEFT adapter
 * saved from it has that model's keys ({@code base_model.model.bert.encoder.layer.4...}, {@code
 * classifier} in {@code modules_to_save}): the logits are {@code classifier(mean of the last
 * hidden state over the real tokens)}.
 *
 * <p>{@link #prefix} and {@link #logitsFrom} split the forward pass at an encoder layer, so the
 * output of frozen lower layers can be computed once and reused while the upper layers train.
 *
 * @param bert the encoder
 * @param classifier the head, {@code hidden -> classes}
 */
public record SpamClassifier(Bert bert, Layer classifier) implements Layer {

  /** The logits of {@code ids (batch, seq)} with every token real. */
  @Override
  public Tensor apply(Tensor ids) {
    return logits(ids, Tensor.ones(ids.shape()));
  }

  /** The logits {@code (batch, classes)} of {@code ids} with a 1/0 {@code mask}. */
  public Tensor logits(Tensor ids, Tensor mask) {
    return logitsFrom(prefix(ids, mask, 0), mask, 0);
  }

  /** The embeddings and encoder layers {@code [0, layer)}: {@code (batch, seq, hidden)}. */
  public Tensor prefix(Tensor ids, Tensor mask, int layer) {
    return bert.encoder().apply(bert.embeddings().apply(ids),
        SelfAttention.paddingMask(mask), 0, layer);
  }

  /** The encoder layers from {@code layer} on, applied to {@code hidden}, then pool and head. */
  public Tensor logitsFrom(Tensor hidden, Tensor mask, int layer) {
    return head(pooled(hidden, mask, layer));
  }

  /** The encoder layers from {@code layer} on, then the mean over the real tokens. */
  public Tensor pooled(Tensor hidden, Tensor mask, int layer) {
    Tensor h = bert.encoder().apply(hidden, SelfAttention.paddingMask(mask), layer,
        bert.encoder().layer().size());
    return Pooling.mean(h, mask);
  }

  /** The head on pooled features {@code (batch, hidden)}. */
  public Tensor head(Tensor pooled) {
    return classifier.apply(pooled);
  }
}
