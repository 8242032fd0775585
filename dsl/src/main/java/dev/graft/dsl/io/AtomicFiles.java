package dev.graft.dsl.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
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

  /** UTF-8 bytes kept of the target's name in the temporary name (at most 22 more are added). */
  static final int STEM_BYTES = 100;

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
          keepPermissions(abs, temp);
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

  /**
   * {@code .NAME.RANDOM.tmp}, NAME cut to at most {@link #STEM_BYTES} bytes of UTF-8 (at a
   * character boundary), so the whole stays within the common 255-byte limit on a file name
   * whatever the target's script.
   */
  static String tempName(String base) {
    return "." + stem(base) + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
        + ".tmp";
  }

  /** The longest prefix of {@code base} whose UTF-8 encoding has at most STEM_BYTES bytes. */
  static String stem(String base) {
    int bytes = 0;
    int i = 0;
    while (i < base.length()) {
      int cp = base.codePointAt(i);
      int width = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytes + width > STEM_BYTES) {
        break;
      }
      bytes += width;
      i += Character.charCount(cp);
    }
    return base.substring(0, i);
  }

  /**
   * Gives the temporary file the target's POSIX permissions when the target exists and the file
   * system has them, so replacing a {@code 0600} file keeps it {@code 0600}; a new file keeps the
   * permissions the process's umask gives it.
   */
  private static void keepPermissions(Path target, Path temp) throws IOException {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(target);
    } catch (NoSuchFileException | UnsupportedOperationException e) {
      return; // no target yet, or not a POSIX file system
    }
    Files.setPosixFilePermissions(temp, permissions);
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
