package dev.graft.dsl.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Replacing a file all at once: the new contents go to a temporary file beside the target, are
 * forced to disk, and are then renamed over the target, so a crash or error at any point leaves
 * either the old file or the new one, whole. The temporary file is removed when anything fails.
 */
final class AtomicFiles {
  /** Writes the contents of a file through its channel. */
  @FunctionalInterface
  interface Body {
    /** Writes everything; the channel is positioned at 0 of an empty file. */
    void writeTo(FileChannel channel) throws IOException;
  }

  private AtomicFiles() {}

  /** Replaces {@code target} with what {@code body} writes; see the class comment. */
  static void write(Path target, Body body) {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path name = abs.getFileName();
    if (dir == null || name == null) {
      throw new SafetensorsException(target, null, "not a file path");
    }
    Path temp = null;
    try {
      FileChannel channel = null;
      for (int attempt = 0; channel == null; attempt++) {
        Path candidate = dir.resolve(tempName(name.toString()));
        try {
          // CREATE_NEW (not createTempFile) so the file gets the usual umask permissions.
          channel = FileChannel.open(candidate, StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE);
          temp = candidate;
        } catch (FileAlreadyExistsException e) {
          if (attempt >= 100) {
            throw e;
          }
        }
      }
      try (FileChannel c = channel) {
        body.writeTo(c);
        c.force(true);
      }
      try {
        Files.move(temp, abs, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      temp = null;
      syncDirectory(dir);
    } catch (IOException e) {
      SafetensorsException failure =
          new SafetensorsException(target, null, "cannot write: " + e, e);
      deleteQuietly(temp, failure);
      throw failure;
    } catch (RuntimeException | Error e) {
      deleteQuietly(temp, e);
      throw e;
    }
  }

  /** {@code .NAME.RANDOM.tmp}, the name shortened so the whole stays within common limits. */
  private static String tempName(String base) {
    String stem = base.length() > 100 ? base.substring(0, 100) : base;
    return "." + stem + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp";
  }

  /** Makes the rename itself durable where the platform allows syncing a directory. */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | RuntimeException e) {
      // Not supported everywhere (e.g. Windows); the file itself is already forced.
    }
  }

  private static void deleteQuietly(@Nullable Path temp, Throwable failure) {
    if (temp == null) {
      return;
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }
}
