package dev.graft.dsl.nn;

import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The stack of {@link BertLayer}s ({@code BertEncoder}); the component is named {@code layer} as
 * in Hugging Face, so paths read {@code encoder/layer/0/...}.
 *
 * @param layer the layers in order (an immutable copy)
 */
public record BertEncoder(List<BertLayer> layer) implements dev.graft.dsl.tree.Layer {

  /** Copies the layers into an immutable list. */
  public BertEncoder {
    layer = List.copyOf(layer);
  }

  /** Every layer, without a mask. */
  @Override
  public Tensor apply(Tensor x) {
    return apply(x, (Tensor) null);
  }

  /** Every layer with the additive attention mask (see {@link SelfAttention#attend}). */
  public Tensor apply(Tensor x, @Nullable Tensor mask) {
    return apply(x, mask, 0, layer.size());
  }

  /**
   * Layers {@code from} (inclusive) to {@code to} (exclusive) only, for running a frozen prefix
   * once and the trained layers on its cached output.
   */
  public Tensor apply(Tensor x, @Nullable Tensor mask, int from, int to) {
    if (from < 0 || to > layer.size() || from > to) {
      throw new IndexOutOfBoundsException("BertEncoder: layers [" + from + ", " + to
          + ") out of range for " + layer.size() + " layers");
    }
    Tensor h = x;
    for (int i = from; i < to; i++) {
      h = layer.get(i).apply(h, mask);
    }
    return h;
  }
}
