package dev.graft.dsl.train;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.function.BiFunction;

/**
 * A training loss that draws randomness: the {@link Trainer} calls it with the model, one batch and
 * a fresh key per step (derived from the trainer's seed and the step number, so runs repeat
 * exactly); pass the key on to the forward pass so dropout is active: {@code (m, b, key) ->
 * Losses.mse(m.apply(b.inputs(), key), b.targets())}.
 *
 * @param <B> the batch type
 */
@FunctionalInterface
public interface TrainLoss<B> {
  /** The scalar loss of {@code model} on {@code batch}, with randomness drawn from {@code key}. */
  Tensor apply(Layer model, B batch, Key key);

  /** A loss that ignores the key (a deterministic forward pass). */
  static <B> TrainLoss<B> of(BiFunction<Layer, B, Tensor> loss) {
    return (model, batch, key) -> loss.apply(model, batch);
  }
}
