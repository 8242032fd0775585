package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Inverted dropout: with a key, each element is zeroed with probability {@code rate} and the
 * survivors are scaled by {@code 1/(1 - rate)}, so the expectation is unchanged; without a key
 * (inference) it is the identity. No parameters.
 *
 * @param rate probability of zeroing an element, in {@code [0, 1)}
 */
public record Dropout(float rate) implements Layer {

  /** Validates {@code rate} is in {@code [0, 1)}. */
  public Dropout {
    if (!(rate >= 0f && rate < 1f)) {
      throw new IllegalArgumentException("Dropout: rate must be in [0, 1), got " + rate);
    }
  }

  /** The identity (inference). */
  @Override
  public Tensor apply(Tensor x) {
    return x;
  }

  /** The identity without a key; with one, zeroes elements drawn from {@code key} and rescales. */
  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    if (key == null || rate == 0f) {
      return x;
    }
    float keep = 1f - rate;
    Tensor mask = Random.bernoulli(key, keep, x.shape()).times(1f / keep);
    return x.times(mask);
  }
}
