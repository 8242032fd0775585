package dev.graft.dsl.train;

import dev.graft.dsl.Net;

/**
 * Thrown by the {@link Trainer} when a step's loss is NaN or infinite. It carries the history up to
 * the failing step and the net before it, so a caller comparing several runs can report or plot
 * the diverged one and go on.
 */
public final class DivergedException extends IllegalStateException {
  private final transient History history;
  private final transient Net lastNet;

  DivergedException(String message, History history, Net lastNet) {
    super(message);
    this.history = history;
    this.lastNet = lastNet;
  }

  /** The losses and epochs recorded before the failing step. */
  public History history() {
    return history;
  }

  /** The net as it was before the failing step. */
  public Net lastNet() {
    return lastNet;
  }
}
