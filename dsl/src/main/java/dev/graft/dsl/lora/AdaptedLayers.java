package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The adapted layers of a tree: each outermost {@link LoraWrapper} by its path, in tree order (a
 * wrapper inside another wrapper's base is part of that one). What {@code Net.adapters()} returns,
 * and what the file formats read and write, computed from the tree alone.
 */
public final class AdaptedLayers {
  private AdaptedLayers() {}

  /** The outermost wrappers in {@code tree}, by layer path, in tree order (unmodifiable). */
  public static Map<Path, LoraWrapper> of(Layer tree) {
    Map<Path, LoraWrapper> out = new LinkedHashMap<>();
    for (Path p : Tree.nodes(tree)) {
      if (Tree.get(tree, p) instanceof LoraWrapper w && !inside(out, p)) {
        out.put(p, w);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  private static boolean inside(Map<Path, LoraWrapper> found, Path p) {
    for (Path q : found.keySet()) {
      if (!q.equals(p) && p.startsWith(q)) {
        return true;
      }
    }
    return false;
  }
}
