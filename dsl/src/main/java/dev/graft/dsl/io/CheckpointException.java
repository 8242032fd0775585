package dev.graft.dsl.io;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * A checkpoint file is well-formed but does not fit what it is loaded into: a key the tree lacks,
 * a leaf the file lacks, a shape or dtype that disagrees, or an {@code adapter_config.json} that
 * describes other adapters (another rank, scale, type, or an unknown {@code peft_type}). The
 * message names the file and, where the problem belongs to one entry, the key. A subclass of
 * {@link SafetensorsException}, so one {@code catch} covers malformed and mismatched files alike.
 */
public class CheckpointException extends SafetensorsException {
  private static final long serialVersionUID = 1L;

  /** A mismatch in {@code file}, about tensor {@code key} when it is not null. */
  public CheckpointException(@Nullable Path file, @Nullable String key, String problem) {
    super(file, key, problem);
  }

  /** As {@link #CheckpointException(Path, String, String)}, caused by {@code cause}. */
  public CheckpointException(@Nullable Path file, @Nullable String key, String problem,
      @Nullable Throwable cause) {
    super(file, key, problem, cause);
  }
}
