package dev.graft.dsl.tree;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The one rule by which a pattern picks paths, shared by {@link Mask#regex}, {@link
 * Mask#modules}, and the {@code target} and {@code targetModules} of a {@code LoraSpec}.
 *
 * <ul>
 *   <li><b>Regex</b>: a path is picked when the regex matches the <em>whole</em> path, or the
 *       whole path of one of its ancestors (a node stands for everything under it, as in {@link
 *       Mask#of}). The path is tried both slash-joined ({@code encoder/layers/0/attention/query})
 *       and as a dotted module name ({@code encoder.layers.0.attention.query}), so regexes
 *       written for PyTorch module names ({@code .*attention\.query}, as d9d and PEFT write
 *       them) work unchanged. {@code "encoder"} picks everything under {@code encoder}; {@code
 *       "bias"} picks nothing in {@code layers/0/bias} (use {@code ".*bias"} or a module name).
 *   <li><b>Layer names</b> (PEFT's {@code target_modules=["query", "value"]}): a path is picked
 *       when it, or one of its ancestors, <em>ends with</em> one of the names segment by segment.
 *       A name may have several segments, written with {@code /} or {@code .} ({@code
 *       attention.query}); {@code "query"} picks {@code encoder/attention/query} but not {@code
 *       encoder/attention/query_proj}. Names are literal, not regexes.
 * </ul>
 */
public final class PathPatterns {
  private PathPatterns() {}

  /** Whether {@code regex} picks {@code path} under the regex rule above. */
  public static boolean matches(Pattern regex, Path path) {
    int depth = path.depth();
    if (depth == 0) {
      return regex.matcher("").matches();
    }
    List<String> segments = path.segments();
    StringBuilder slash = new StringBuilder();
    StringBuilder dot = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      if (i > 0) {
        slash.append('/');
        dot.append('.');
      }
      slash.append(segments.get(i));
      dot.append(segments.get(i));
      if (regex.matcher(slash).matches() || (i > 0 && regex.matcher(dot).matches())) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code path} or one of its ancestors ends with {@code name}, segment by segment. */
  public static boolean endsWith(Path path, String name) {
    List<String> tail = nameSegments(name);
    List<String> segments = path.segments();
    for (int end = segments.size(); end >= tail.size(); end--) {
      if (segments.subList(end - tail.size(), end).equals(tail)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code path} or one of its ancestors ends with any of {@code names}. */
  public static boolean endsWithAny(Path path, List<String> names) {
    for (String n : names) {
      if (endsWith(path, n)) {
        return true;
      }
    }
    return false;
  }

  /** Rejects an empty module name or one with an empty segment, naming it. */
  public static void checkName(String name) {
    nameSegments(name);
  }

  /** The segments of a module name written with {@code /} or {@code .}. */
  static List<String> nameSegments(String name) {
    List<String> out = new ArrayList<>();
    for (String s : name.split("[/.]", -1)) {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("module name '" + name + "' has an empty segment;"
            + " expected names such as 'query' or 'attention.query'");
      }
      out.add(s);
    }
    return out;
  }
}
