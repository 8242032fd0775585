package dev.graft.dsl.io;

import dev.graft.dsl.tree.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pairs the keys of a file with the leaves they fill, where each leaf may be spelled several ways
 * (slash-joined, dotted, without a wrapper's base segment): every key must name exactly one leaf,
 * every leaf must get exactly one key. Anything else is one {@link CheckpointException} that lists
 * what is missing and what is unexpected.
 */
final class KeyMatch {
  private static final int SHOWN = 8;

  private KeyMatch() {}

  /**
   * The key for each leaf of {@code names} (in its order), from {@code keys} of {@code file}.
   * {@code hint} is added to a mismatch message (how to load such a file instead), or empty.
   */
  static Map<Path, String> match(java.nio.file.Path file, Collection<String> keys,
      Map<Path, List<String>> names, String hint) {
    Map<String, Path> index = new HashMap<>();
    Map<String, List<Path>> ambiguous = new HashMap<>();
    for (Map.Entry<Path, List<String>> e : names.entrySet()) {
      for (String name : e.getValue()) {
        Path other = index.putIfAbsent(name, e.getKey());
        if (other != null && !other.equals(e.getKey())) {
          ambiguous.computeIfAbsent(name, n -> new ArrayList<>(List.of(other))).add(e.getKey());
        }
      }
    }
    Map<Path, String> byLeaf = new HashMap<>();
    List<String> unexpected = new ArrayList<>();
    for (String key : keys) {
      List<Path> several = ambiguous.get(key);
      if (several != null) {
        throw new CheckpointException(file, key, "the name fits several leaves " + quoted(several)
            + "; save with slash-joined paths to tell them apart");
      }
      Path leaf = index.get(key);
      if (leaf == null) {
        unexpected.add(key);
        continue;
      }
      String earlier = byLeaf.putIfAbsent(leaf, key);
      if (earlier != null) {
        throw new CheckpointException(file, key, "names the same leaf '" + leaf + "' as key '"
            + SafetensorsException.shown(earlier) + "'");
      }
    }
    List<Path> missing = new ArrayList<>();
    for (Path leaf : names.keySet()) {
      if (!byLeaf.containsKey(leaf)) {
        missing.add(leaf);
      }
    }
    if (!unexpected.isEmpty() || !missing.isEmpty()) {
      StringBuilder sb = new StringBuilder("the file does not fit the tree:");
      if (!missing.isEmpty()) {
        sb.append(" missing ").append(missing.size()).append(missing.size() == 1 ? " leaf " : " leaves ")
            .append(quoted(missing));
        if (!names.get(missing.get(0)).isEmpty()) {
          sb.append(" (e.g. key '").append(names.get(missing.get(0)).get(0)).append("')");
        }
      }
      if (!unexpected.isEmpty()) {
        sb.append(missing.isEmpty() ? "" : ";").append(" unexpected ").append(unexpected.size())
            .append(unexpected.size() == 1 ? " key " : " keys ").append(quoted(unexpected));
      }
      if (!hint.isEmpty()) {
        sb.append("; ").append(hint);
      }
      String key = !unexpected.isEmpty() ? unexpected.get(0) : names.get(missing.get(0)).get(0);
      throw new CheckpointException(file, key, sb.toString());
    }
    Map<Path, String> out = new LinkedHashMap<>();
    for (Path leaf : names.keySet()) {
      out.put(leaf, byLeaf.get(leaf));
    }
    return out;
  }

  /** Up to a few items, quoted, with a count of the rest. */
  static String quoted(List<?> items) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < Math.min(items.size(), SHOWN); i++) {
      sb.append(i == 0 ? "" : ", ").append('\'').append(SafetensorsException.shown(items.get(i)))
          .append('\'');
    }
    if (items.size() > SHOWN) {
      sb.append(", and ").append(items.size() - SHOWN).append(" more");
    }
    return sb.append(']').toString();
  }
}
