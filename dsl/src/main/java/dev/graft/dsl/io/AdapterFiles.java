package dev.graft.dsl.io;

import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The two files of an adapter directory written as one: they change together or not at all, and
 * a pair that did not come from one save is refused on load.
 *
 * <ol>
 *   <li>The weights record the SHA-256 of the config's bytes in their header metadata ({@value
 *       #CONFIG_HASH}); {@link #checkPair} refuses a config whose bytes do not hash to it, so
 *       weights from one save with the config of another never load silently (files without the
 *       entry, such as PEFT's, are not checked).
 *   <li>Both new files are first written whole (and forced to disk) under temporary names in the
 *       directory; then the old weights are renamed aside, the new weights and the new config are
 *       renamed into place, and the old weights are deleted. If the config cannot be put in
 *       place, the old weights are renamed back, so the directory holds the old pair again, and
 *       the temporary files are removed. A replaced file's POSIX permissions carry over.
 * </ol>
 *
 * <p>A crash of the process between the renames can leave new weights beside the old config,
 * which the hash of step 1 refuses with a message saying so instead of loading them with the
 * wrong meaning, or the config without weights (the old ones under a hidden {@code .old} name
 * beside it), which fails to load for the missing file.
 */
final class AdapterFiles {
  /** The weights' metadata entry holding the SHA-256 (hex) of the config file's bytes. */
  static final String CONFIG_HASH = "graft.adapter_config.sha256";

  /** Where a save may be made to fail, for tests. */
  @FunctionalInterface
  interface Faults {
    /** Called before each rename; {@code step} is {@code "weights"} or {@code "config"}. */
    void before(String step) throws IOException;
  }

  private static final Faults NONE = step -> { };

  private AdapterFiles() {}

  /** Writes the pair into {@code dir} (which exists); see the class comment. */
  static void write(Path dir, Map<String, Tensor> tensors, Map<String, String> metadata,
      Object config) {
    write(dir, tensors, metadata, config, NONE);
  }

  /** {@link #write} with failures injected before the renames. */
  static void write(Path dir, Map<String, Tensor> tensors, Map<String, String> metadata,
      Object config, Faults faults) {
    Path weights = dir.resolve(PeftAdapters.WEIGHTS);
    Path configFile = dir.resolve(PeftAdapters.CONFIG);
    byte[] configBytes = JsonFiles.encode(configFile, config);
    Map<String, String> meta = new LinkedHashMap<>(metadata);
    meta.put(CONFIG_HASH, sha256(configBytes));
    String tag = Long.toHexString(ThreadLocalRandom.current().nextLong());
    Path newWeights = dir.resolve("." + PeftAdapters.WEIGHTS + "." + tag + ".new");
    Path newConfig = dir.resolve("." + PeftAdapters.CONFIG + "." + tag + ".new");
    Path oldWeights = dir.resolve("." + PeftAdapters.WEIGHTS + "." + tag + ".old");
    boolean asideOld = false;
    boolean weightsIn = false;
    try {
      Safetensors.write(newWeights, tensors, meta);
      JsonFiles.writeBytes(newConfig, configBytes);
      keepPermissions(weights, newWeights);
      keepPermissions(configFile, newConfig);
      if (Files.exists(weights)) {
        move(weights, oldWeights);
        asideOld = true;
      }
      faults.before("weights");
      move(newWeights, weights);
      weightsIn = true;
      faults.before("config");
      move(newConfig, configFile);
    } catch (IOException | RuntimeException | Error e) {
      RuntimeException failure = e instanceof RuntimeException r ? r
          : new SafetensorsException(dir, null, "cannot write the adapter: " + e, e);
      try {
        if (asideOld) {
          move(oldWeights, weights);                 // the old pair again
        } else if (weightsIn) {
          Files.deleteIfExists(weights);             // there was no pair before
        }
      } catch (IOException | RuntimeException r) {
        failure.addSuppressed(r);
      }
      deleteQuietly(newWeights, failure);
      deleteQuietly(newConfig, failure);
      if (e instanceof Error err) {
        throw err;
      }
      throw failure;
    }
    deleteQuietly(oldWeights, null);
  }

  /**
   * Refuses {@code configBytes} (read from {@code configFile}) when the weights' metadata binds
   * them to a different config.
   */
  static void checkPair(Path weights, Map<String, String> weightsMetadata, Path configFile,
      byte[] configBytes) {
    String want = weightsMetadata.get(CONFIG_HASH);
    if (want == null) {
      return;
    }
    String got = sha256(configBytes);
    if (!want.equals(got)) {
      throw new CheckpointException(weights, null, "was saved together with a different "
          + PeftAdapters.CONFIG + " (its header records SHA-256 " + abbreviate(want) + ", the file"
          + " beside it has " + abbreviate(got) + "): the two files come from different saves,"
          + " e.g. an interrupted one; save the adapter again");
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }

  /** Gives {@code replacement} the POSIX permissions of {@code target}, if both apply. */
  private static void keepPermissions(Path target, Path replacement) throws IOException {
    try {
      if (Files.exists(target)) {
        Files.setPosixFilePermissions(replacement, Files.getPosixFilePermissions(target));
      }
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: nothing to keep.
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteQuietly(Path p, @Nullable Throwable failure) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException | RuntimeException e) {
      if (failure != null) {
        failure.addSuppressed(e);
      }
    }
  }
}
