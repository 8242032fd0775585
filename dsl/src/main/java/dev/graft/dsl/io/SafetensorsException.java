package dev.graft.dsl.io;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A safetensors file could not be read or written: it is malformed, disagrees with itself, holds
 * a dtype that cannot be read, or the file system refused. The message names the file and, where
 * the problem belongs to one entry, the key; both are also available as {@link #file()} and
 * {@link #key()}. Names and values taken from a file are cut to their first 200 characters in
 * the message (with their length); {@link #key()} is always the whole key.
 */
public class SafetensorsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The header key under which a file keeps its string-to-string metadata. */
  static final String METADATA_KEY = "__metadata__";

  private final transient @Nullable Path file;
  /** The entry the problem is about (a tensor name or the metadata key), or null. */
  private final @Nullable String key;

  /**
   * A problem with {@code file}, about entry {@code key} when it is not null (a tensor name, or
   * {@code "__metadata__"}).
   */
  public SafetensorsException(@Nullable Path file, @Nullable String key, String problem) {
    this(file, key, problem, null);
  }

  /** As {@link #SafetensorsException(Path, String, String)}, caused by {@code cause}. */
  public SafetensorsException(@Nullable Path file, @Nullable String key, String problem,
      @Nullable Throwable cause) {
    super(describe(file, key, problem), cause);
    this.file = file;
    this.key = key;
  }

  /** The file concerned, if known. */
  public @Nullable Path file() {
    return file;
  }

  /** The tensor name (or {@code "__metadata__"}) the problem belongs to, if any. */
  public @Nullable String key() {
    return key;
  }

  /** Characters of a name from a file shown in a message; the rest is counted, not shown. */
  static final int SHOWN_CHARS = 200;
  /** The longest problem text kept whole in a message. */
  static final int MAX_PROBLEM_CHARS = 4096;

  /**
   * {@code value} as text for a message, cut after {@link #SHOWN_CHARS} characters (never inside
   * a surrogate pair) with the full length added: names and values from a file may be megabytes
   * long, and a message must stay readable.
   */
  static String shown(@Nullable Object value) {
    String s = String.valueOf(value);
    if (s.length() <= SHOWN_CHARS) {
      return s;
    }
    int end = Character.isHighSurrogate(s.charAt(SHOWN_CHARS - 1)) ? SHOWN_CHARS - 1 : SHOWN_CHARS;
    return s.substring(0, end) + "\u2026 (" + s.length() + " chars)";
  }

  private static String describe(@Nullable Path file, @Nullable String key, String problem) {
    StringBuilder sb = new StringBuilder();
    if (file != null) {
      sb.append(file).append(": ");
    }
    if (key != null) {
      sb.append(METADATA_KEY.equals(key) ? METADATA_KEY : "tensor '" + shown(key) + "'")
          .append(": ");
    }
    if (problem.length() > MAX_PROBLEM_CHARS) {
      // A backstop for text from a file that reached the problem whole.
      int end = Character.isHighSurrogate(problem.charAt(MAX_PROBLEM_CHARS - 1))
          ? MAX_PROBLEM_CHARS - 1 : MAX_PROBLEM_CHARS;
      return sb.append(problem, 0, end).append("\u2026 (").append(problem.length())
          .append(" chars)").toString();
    }
    return sb.append(problem).toString();
  }
}
