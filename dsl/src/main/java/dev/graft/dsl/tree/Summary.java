package dev.graft.dsl.tree;

import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Locale;
import java.util.Map;

/** Formats {@link Tree#summary}: one row per leaf (path, shape, count) and a totals line. */
final class Summary {
  private Summary() {}

  static String of(Layer tree) {
    Map<Path, Tensor> leaves = Tree.leavesByPath(tree);
    String[][] rows = new String[leaves.size()][];
    int wPath = "path".length();
    int wShape = "shape".length();
    int wCount = "params".length();
    long total = 0;
    int i = 0;
    for (Map.Entry<Path, Tensor> e : leaves.entrySet()) {
      long n = e.getValue().size();
      total += n;
      rows[i] = new String[] {e.getKey().toString(), Shapes.format(e.getValue().shape()),
          count(n)};
      wPath = Math.max(wPath, rows[i][0].length());
      wShape = Math.max(wShape, rows[i][1].length());
      wCount = Math.max(wCount, rows[i][2].length());
      i++;
    }
    String totalText = count(total);
    wCount = Math.max(wCount, totalText.length());
    String fmt = "%-" + wPath + "s  %-" + wShape + "s  %" + wCount + "s\n";
    StringBuilder sb = new StringBuilder();
    sb.append(Slot.name(tree.getClass())).append('\n');
    sb.append(String.format(Locale.ROOT, fmt, "path", "shape", "params"));
    for (String[] r : rows) {
      sb.append(String.format(Locale.ROOT, fmt, r[0], r[1], r[2]));
    }
    sb.append(String.format(Locale.ROOT, fmt, "total", rows.length + " leaves", totalText));
    return sb.toString();
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
