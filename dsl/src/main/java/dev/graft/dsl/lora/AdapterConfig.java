package dev.graft.dsl.lora;

import dev.graft.runtime.Key;

/**
 * What an {@link AdapterFactory} is given to build one adapter: the rank, alpha, the dropout rate
 * on the adapter's input path, and a key for its random initialization.
 *
 * @param rank the adapter rank {@code r} (the block size for OFT)
 * @param alpha the scaling numerator {@code α}
 * @param dropout the probability of dropping an input of the adapter path while training
 * @param key the key this layer's adapter draws its initialization from
 */
public record AdapterConfig(int rank, double alpha, double dropout, Key key) {
  /** Validates the numbers. */
  public AdapterConfig {
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("adapter dropout must be in [0, 1), got " + dropout);
    }
    if (!Double.isFinite(alpha)) {
      throw new IllegalArgumentException("adapter alpha must be finite, got " + alpha);
    }
  }

  /** LoRA's scale {@code α / r}. */
  public double scale() {
    return alpha / rank;
  }

  /** rsLoRA's scale {@code α / √r}. */
  public double rsScale() {
    return alpha / Math.sqrt(rank);
  }
}
