package dev.graft.dsl.lora;

import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Inverted dropout on an adapter's input path: active only when a key is given and the rate is
 * positive, so inference and merging never see it.
 */
public final class AdapterDropout {
  private AdapterDropout() {}

  /** {@code x} with each value zeroed with probability {@code rate} and the rest scaled up. */
  public static Tensor apply(Tensor x, double rate, @Nullable Key key) {
    if (key == null || rate <= 0) {
      return x;
    }
    float keep = (float) (1 - rate);
    return x.times(Random.bernoulli(key, keep, x.shape())).times(1f / keep);
  }
}
