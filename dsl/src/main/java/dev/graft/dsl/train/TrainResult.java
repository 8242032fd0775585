package dev.graft.dsl.train;

import dev.graft.dsl.optim.OptState;
import dev.graft.dsl.tree.Trainable;

/**
 * What {@link Trainer#fit} returns.
 *
 * @param net the trained net
 * @param history losses, timings and metrics of the run
 * @param state the optimizer state after the last step (to resume training)
 * @param <T> the kind of net trained (the {@code Net} facade, or a plain {@link Trainable})
 */
public record TrainResult<T extends Trainable<T>>(T net, History history, OptState state) {}
