package dev.graft.dsl.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * PEFT's {@code rank_pattern} / {@code alpha_pattern} dictionaries with PEFT's matching rule: a
 * key {@code k} applies to a module whose dotted name {@code n} matches {@code (.*\.)?(k)$} from
 * its start, i.e. {@code k} is a regular expression that must match a whole dot-separated suffix
 * of the name; the first key in file order that applies wins. The expressions come from files
 * found on the internet, so they are compiled with RE2/J, whose matching time is linear in the
 * name's length whatever the pattern ({@code (.*)*x}-style backtracking bombs cannot hang a
 * load). RE2 lacks back-references and look-around; a key using them is refused by name.
 */
final class PeftPatterns {
  /** No patterns: every lookup falls through. */
  static final PeftPatterns NONE = new PeftPatterns(List.of());

  /** Bounds a key's length so a hostile config cannot make compilation itself expensive. */
  static final int MAX_KEY_CHARS = 4096;

  private record Entry(String key, Pattern pattern, JsonNode value) {}

  private final List<Entry> entries;

  private PeftPatterns(List<Entry> entries) {
    this.entries = entries;
  }

  /**
   * The pattern dictionary {@code field} ({@code rank_pattern} or {@code alpha_pattern}) of
   * {@code config}, read from {@code file}: none when absent or null; a {@link
   * CheckpointException} naming the file and field when it is not an object of valid keys.
   */
  static PeftPatterns read(java.nio.file.Path file, JsonNode config, String field) {
    JsonNode n = config.get(field);
    if (n == null || n.isNull()) {
      return NONE;
    }
    if (!n.isObject()) {
      throw new CheckpointException(file, null, "\"" + field + "\" is not an object but "
          + n.getNodeType());
    }
    Map<String, JsonNode> entries = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      entries.put(e.getKey(), e.getValue());
    }
    try {
      return compile(entries);
    } catch (IllegalArgumentException ex) {
      throw new CheckpointException(file, null, "\"" + field + "\": " + ex.getMessage());
    }
  }

  /**
   * Compiles {@code keys} (in order) to their values; a key RE2 cannot compile, or longer than
   * {@value #MAX_KEY_CHARS} characters, is an {@link IllegalArgumentException} naming it.
   */
  static PeftPatterns compile(Map<String, JsonNode> keys) {
    List<Entry> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : keys.entrySet()) {
      String k = e.getKey();
      if (k.length() > MAX_KEY_CHARS) {
        throw new IllegalArgumentException("key of " + k.length() + " characters is longer than "
            + MAX_KEY_CHARS);
      }
      try {
        out.add(new Entry(k, Pattern.compile("(.*\\.)?(" + k + ")"), e.getValue()));
      } catch (PatternSyntaxException ex) {
        throw new IllegalArgumentException("key '" + k + "' is not a regular expression Graft"
            + " reads (RE2 syntax, no back-references or look-around): " + ex.getDescription());
      }
    }
    return new PeftPatterns(List.copyOf(out));
  }

  /** The value of the first key that applies to dotted module name {@code name}, or null. */
  @Nullable JsonNode lookup(String name) {
    for (Entry e : entries) {
      if (e.pattern().matches(name)) {
        return e.value();
      }
    }
    return null;
  }
}
