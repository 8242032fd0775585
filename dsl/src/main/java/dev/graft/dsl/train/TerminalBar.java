package dev.graft.dsl.train;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The only class that touches progressbar (an optional dependency; {@link Progress} checks for it
 * first): epoch, running loss and throughput on {@code System.err}, through a console consumer of
 * fixed width, so it never probes the terminal (no JLine warnings when there is none) and redraws
 * at most a few times a second.
 */
final class TerminalBar implements AutoCloseable {
  private final ProgressBar bar;

  private TerminalBar(ProgressBar bar) {
    this.bar = bar;
  }

  static TerminalBar open(String name, long totalSteps) {
    boolean console = System.console() != null;
    return new TerminalBar(new ProgressBarBuilder()
        .setTaskName(name)
        .setInitialMax(totalSteps)
        .setUnit(" steps", 1)
        .setStyle(console ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(console ? 200 : 2000)
        .setConsumer(new ConsoleProgressBarConsumer(System.err, width()))
        .build());
  }

  void step(String message) {
    bar.setExtraMessage(message);
    bar.step();
  }

  @Override
  public void close() {
    bar.close();
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
