package dev.graft.samples;

import java.util.List;
import java.util.Locale;

/** Renders the shoot-out's rows as a fixed-width text table, one line per contender. */
public final class ResultTable {
  private static final String FORMAT = "%-10s %10s %8s %11s %10s %8s %21s%n";

  private ResultTable() {}

  /** The header line, the rows and a closing note on what the columns mean. */
  public static String render(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, FORMAT, "adapter", "trainable", "% total",
        "acc before", "acc after", "time", "max|merged-adapted|"));
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, FORMAT, r.name(),
          String.format(Locale.ROOT, "%,d", r.trainable()),
          String.format(Locale.ROOT, "%.2f%%", r.trainablePercent()),
          percent(r.accuracyBefore()), percent(r.accuracyAfter()),
          String.format(Locale.ROOT, "%.1f s", r.seconds()),
          Double.isNaN(r.mergeGap()) ? "-"
              : String.format(Locale.ROOT, "%.1e%s", r.mergeGap(), r.mergeOk() ? "" : " (!)")));
    }
    return sb.toString();
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }
}
