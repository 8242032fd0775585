package dev.graft.spark;

import dev.graft.dsl.Net;
import dev.graft.dsl.train.TrainResult;

/**
 * What {@link DataParallel#fit} returns: what {@code Trainer.fit} returns, and the traffic.
 *
 * @param result the trained net, the history and the optimizer state
 * @param traffic the bytes broadcast and aggregated
 */
public record DataParallelResult(TrainResult<Net> result, Traffic traffic) {
  /** The trained net. */
  public Net net() {
    return result.net();
  }
}
