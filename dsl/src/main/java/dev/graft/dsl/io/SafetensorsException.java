package dev.graft.dsl.io;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A safetensors file could not be read or written: it is malformed, disagrees with itself, holds
 * a dtype that cannot be read, or the file system refused. The message names the file and, where
 * the problem belongs to one entry, the key; both are also available as {@link #file()} and
 * {@link #key()}.
 */
public class SafetensorsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The header key under which a file keeps its string-to-string metadata. */
  static final String METADATA_KEY = "__metadata__";

  private final transient @Nullable Path file;
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

  private static String describe(@Nullable Path file, @Nullable String key, String problem) {
    StringBuilder sb = new StringBuilder();
    if (file != null) {
      sb.append(file).append(": ");
    }
    if (key != null) {
      sb.append(METADATA_KEY.equals(key) ? METADATA_KEY : "tensor '" + key + "'").append(": ");
    }
    return sb.append(problem).toString();
  }
}
