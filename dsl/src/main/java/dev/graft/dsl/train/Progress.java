package dev.graft.dsl.train;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;

/**
 * The trainer's terminal progress bar over all steps of a run, showing epoch, running loss and
 * throughput; or nothing when disabled. It renders to {@code System.err} through a console consumer
 * of fixed width, so it never probes the terminal (no JLine warnings when there is none) and
 * redraws at most a few times a second.
 */
final class Progress implements AutoCloseable {
  private final @Nullable ProgressBar bar;

  private Progress(@Nullable ProgressBar bar) {
    this.bar = bar;
  }

  static Progress open(boolean enabled, String name, long totalSteps) {
    if (!enabled) {
      return new Progress(null);
    }
    boolean console = System.console() != null;
    ProgressBar bar = new ProgressBarBuilder()
        .setTaskName(name)
        .setInitialMax(totalSteps)
        .setUnit(" steps", 1)
        .setStyle(console ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(console ? 200 : 2000)
        .setConsumer(new ConsoleProgressBarConsumer(System.err, width()))
        .build();
    return new Progress(bar);
  }

  /** Advances one step and updates the message. */
  void step(String message) {
    if (bar != null) {
      bar.setExtraMessage(message);
      bar.step();
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }

  private static int width() {
    String columns = System.getenv("COLUMNS");
    if (columns != null) {
      try {
        int w = Integer.parseInt(columns.trim());
        if (w >= 40) {
          return w - 1;
        }
      } catch (NumberFormatException ignored) {
        // fall back to the default width
      }
    }
    return 100;
  }
}
