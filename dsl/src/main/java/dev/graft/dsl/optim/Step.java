package dev.graft.dsl.optim;

import dev.graft.dsl.Net;

/**
 * The outcome of one optimizer step: the net with its trainable leaves updated and the optimizer
 * state to pass to the next step.
 *
 * @param net the updated net (frozen leaves are the same objects as before)
 * @param state the state after this step
 */
public record Step(Net net, OptState state) {}
