package dev.graft.dsl.train;

import org.jspecify.annotations.Nullable;

/**
 * The trainer's terminal progress bar over all steps of a run ({@link TerminalBar}); or nothing
 * when disabled. The bar's library (progressbar, with JLine) is an optional dependency: it is
 * looked for only when a bar is asked for, and its absence is then a clear error.
 */
final class Progress implements AutoCloseable {
  private final @Nullable TerminalBar bar;

  private Progress(@Nullable TerminalBar bar) {
    this.bar = bar;
  }

  /**
   * A bar over {@code totalSteps} steps named {@code name}, or a no-op when not {@code enabled}.
   *
   * @throws IllegalStateException when enabled and progressbar is not on the class path
   */
  static Progress open(boolean enabled, String name, long totalSteps) {
    if (!enabled) {
      return new Progress(null);
    }
    OptionalDependency.require(OptionalDependency.PROGRESSBAR, "Trainer.progressBar(true)");
    return new Progress(TerminalBar.open(name, totalSteps));
  }

  /** Advances one step and updates the message. */
  void step(String message) {
    if (bar != null) {
      bar.step(message);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
