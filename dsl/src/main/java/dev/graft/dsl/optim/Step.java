package dev.graft.dsl.optim;

import dev.graft.dsl.tree.Trainable;

/**
 * The outcome of one optimizer step: the net with its trainable leaves updated and the optimizer
 * state to pass to the next step.
 *
 * @param net the updated net (frozen leaves are the same objects as before)
 * @param state the state after this step
 * @param <T> the kind of net stepped (the {@code Net} facade, or a plain {@link Trainable})
 */
public record Step<T extends Trainable<T>>(T net, OptState state) {}
