package dev.graft.dsl;

import dev.graft.dsl.tree.Layer;

import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Renders {@link Net#summary()}: one row per leaf with its shape, trainable flag and count. */
final class NetSummary {
  private NetSummary() {}

  static String render(Net net) {
    Layer m = net.module();
    List<Path> paths = Tree.paths(m);
    Set<Path> trainable = new HashSet<>(net.trainablePaths());
    int w = "path".length();
    for (Path p : paths) {
      w = Math.max(w, p.toString().length());
    }
    StringBuilder sb = new StringBuilder();
    String fmt = "%-" + w + "s  %-18s  %-9s  %,12d%n";
    sb.append(String.format(Locale.ROOT, "%-" + w + "s  %-18s  %-9s  %12s%n", "path", "shape", "trainable",
        "params"));
    for (Path p : paths) {
      Tensor t = (Tensor) Tree.get(m, p);
      sb.append(String.format(Locale.ROOT, fmt, p, Shapes.format(t.shape()),
          trainable.contains(p) ? "yes" : "-", t.size()));
    }
    long tr = net.trainableCount();
    long total = net.totalCount();
    sb.append(String.format(Locale.ROOT, "trainable %,d of %,d parameters (%.4f%%)%n", tr, total,
        total == 0 ? 0.0 : 100.0 * tr / total));
    net.pendingMask().ifPresent(mask -> sb.append("pending mask for the next lora: ").append(mask)
        .append(System.lineSeparator()));
    return sb.toString();
  }
}
