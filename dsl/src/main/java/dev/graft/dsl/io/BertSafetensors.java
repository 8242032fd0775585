package dev.graft.dsl.io;

import dev.graft.dsl.nn.Bert;
import dev.graft.runtime.Tensor;
import java.util.Map;

/**
 * A Hugging Face {@code model.safetensors} of a {@code BertModel} read into a {@link Bert}. It
 * lives with the file formats, not with the layers, so that the layers know nothing of files:
 * {@link Bert#fromWeights} builds the model from named weights, this class reads them.
 */
public final class BertSafetensors {
  private BertSafetensors() {}

  /**
   * Reads {@code file}; it does not say the number of heads and LayerNorm eps ({@code
   * config.json} does), so they are given. An {@link IllegalArgumentException} naming the file
   * and the weight when the file is not such a model.
   */
  public static Bert read(java.nio.file.Path file, int heads, float eps) {
    Map<String, Tensor> weights = Safetensors.read(file).tensors();
    try {
      return Bert.fromWeights(weights, heads, eps);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("safetensors file " + file + ": " + e.getMessage(), e);
    }
  }
}
