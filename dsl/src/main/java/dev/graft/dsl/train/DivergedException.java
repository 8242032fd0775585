package dev.graft.dsl.train;

import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Trainable;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by the {@link Trainer} when a step diverges: its loss is NaN or infinite, a gradient holds
 * a NaN or infinite value while the loss is finite, or the update makes a trainable leaf NaN or
 * infinite. It carries the history up to the failing step, the net before it (the failed step's
 * update is never applied), and the first offending leaf where there is one, so a caller comparing
 * several runs can report or plot the diverged one and go on.
 */
public final class DivergedException extends IllegalStateException {
  private final transient History history;
  private final transient Trainable<?> lastNet;
  private final transient @Nullable Path leaf;

  DivergedException(String message, History history, Trainable<?> lastNet) {
    this(message, history, lastNet, null);
  }

  DivergedException(String message, History history, Trainable<?> lastNet,
      @Nullable Path leaf) {
    super(message);
    this.history = history;
    this.lastNet = lastNet;
    this.leaf = leaf;
  }

  /** The losses and epochs recorded before the failing step. */
  public History history() {
    return history;
  }

  /**
   * The net as it was before the failing step: the one passed to {@link Trainer#fit}, of its type
   * (cast it back, or take its {@link Trainable#module() module}).
   */
  public Trainable<?> lastNet() {
    return lastNet;
  }

  /**
   * The first trainable leaf (in tree order) whose gradient or updated value was not finite; null
   * when the loss itself was.
   */
  public @Nullable Path leaf() {
    return leaf;
  }
}
