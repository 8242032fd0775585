/**
 * Optimizers: {@link dev.graft.dsl.optim.Sgd} (momentum, Nesterov), {@link dev.graft.dsl.optim.Adam}
 * and {@link dev.graft.dsl.optim.AdamW} with PyTorch's semantics, learning-rate
 * {@link dev.graft.dsl.optim.Schedule schedules} and {@link dev.graft.dsl.optim.Clip clipping by
 * global norm}.
 *
 * <p>An optimizer is an immutable configuration. Its state ({@link dev.graft.dsl.optim.OptState})
 * is an immutable value keyed by leaf {@link dev.graft.dsl.tree.Path}; {@code step(net, grads,
 * state)} works on any {@link dev.graft.dsl.tree.Trainable} (a tree and its trainable paths; the
 * {@code Net} facade is one, and this package knows nothing else of it), returns the updated net
 * and the next state ({@link dev.graft.dsl.optim.Step}) and touches only the trainable leaves: every frozen leaf of the new net is the very same object as before.
 * Updates run eagerly, as one fused loop over each trainable leaf.
 */
@NullMarked
package dev.graft.dsl.optim;

import org.jspecify.annotations.NullMarked;
