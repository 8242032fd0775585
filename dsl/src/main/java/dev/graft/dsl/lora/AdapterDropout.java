package dev.graft.dsl.lora;

import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Inverted dropout on an adapter's input path, active only while training.
 *
 * <p>Training is either a forward pass given a key ({@code module.apply(x, key)}, which layers
 * hand down to their children), or anything run inside {@link #training(Key, Supplier)}: the
 * {@code Trainer} (and so {@code Net.fit}) runs each step's loss there. Inside that scope an
 * adapter called without a key ({@code apply(x)}, as a model that overrides only {@code apply(x)}
 * calls its layers) draws its mask from the scope's key, folded with a counter of the draws, so
 * each adapter call gets its own mask and a run repeats exactly. Outside both (inference,
 * evaluation, {@code merge}) dropout is the identity. The scope belongs to the thread that opened
 * it: a forward pass run on another thread inside the loss sees no scope.
 */
public final class AdapterDropout {
  private static final ThreadLocal<@Nullable Scope> SCOPE = new ThreadLocal<>();

  /** The key of an open training scope and how many masks it has handed out. */
  private static final class Scope {
    private final Key key;
    private int draws;

    Scope(Key key) {
      this.key = key;
    }

    Key next() {
      return key.foldIn(draws++);
    }
  }

  private AdapterDropout() {}

  /**
   * {@code x} with each value zeroed with probability {@code rate} and the rest scaled by {@code
   * 1/(1 − rate)}, drawn from {@code key}, or from the open training scope when {@code key} is
   * null; {@code x} itself when the rate is 0 or neither is there.
   */
  public static Tensor apply(Tensor x, double rate, @Nullable Key key) {
    if (rate <= 0) {
      return x;
    }
    Key k = key;
    if (k == null) {
      Scope scope = SCOPE.get();
      if (scope == null) {
        return x;
      }
      k = scope.next();
    }
    float keep = (float) (1 - rate);
    return x.times(Random.bernoulli(k, keep, x.shape())).times(1f / keep);
  }

  /**
   * Runs {@code body} as training: adapters called without a key inside it draw their dropout
   * masks from {@code key}. Scopes nest (the inner one wins) and close when {@code body} returns or
   * throws.
   */
  public static <T> T training(Key key, Supplier<T> body) {
    Scope previous = SCOPE.get();
    SCOPE.set(new Scope(key));
    try {
      return body.get();
    } finally {
      if (previous == null) {
        SCOPE.remove();
      } else {
        SCOPE.set(previous);
      }
    }
  }

  /** Whether this thread is inside {@link #training(Key, Supplier)}. */
  public static boolean isTraining() {
    return SCOPE.get() != null;
  }
}
