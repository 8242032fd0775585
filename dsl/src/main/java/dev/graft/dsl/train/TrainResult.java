package dev.graft.dsl.train;

import dev.graft.dsl.Net;
import dev.graft.dsl.optim.OptState;

/**
 * What {@link Trainer#fit} returns.
 *
 * @param net the trained net
 * @param history losses, timings and metrics of the run
 * @param state the optimizer state after the last step (to resume training)
 */
public record TrainResult(Net net, History history, OptState state) {}
