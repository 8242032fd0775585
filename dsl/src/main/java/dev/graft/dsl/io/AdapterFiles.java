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
 * The files of an adapter directory written as one: the weights, the config and Graft's frozen
 * tensors ({@value #FROZEN}, only when there are any) change together or not at all, and files
 * that did not come from one save are refused on load.
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
  /** The weights' metadata entry holding the SHA-256 (hex) of the frozen file's bytes. */
  static final String FROZEN_HASH = "graft.frozen.sha256";
  /** {@value #FROZEN_HASH}'s value when the save wrote no frozen file. */
  static final String NO_FROZEN = "none";
  /** The file of frozen adapter tensors only Graft reads. */
  static final String FROZEN = "graft_frozen.safetensors";

  /** Where a save may be made to fail, for tests. */
  @FunctionalInterface
  interface Faults {
    /**
     * Called before each step that changes the directory; {@code step} is {@code "aside"}
     * (renaming the old files aside), {@code "weights"}, {@code "frozen"} or {@code "config"}.
     */
    void before(String step) throws IOException;
  }

  private static final Faults NONE = step -> { };
  private static final ThreadLocal<Faults> INJECTED = ThreadLocal.withInitial(() -> NONE);

  private AdapterFiles() {}

  /** Writes the pair into {@code dir} (which exists), and no frozen file; see the class comment. */
  static void write(Path dir, Map<String, Tensor> tensors, Map<String, String> metadata,
      Object config) {
    write(dir, tensors, metadata, config, Map.of(), INJECTED.get());
  }

  /**
   * Writes the pair into {@code dir} (which exists), with {@code frozen} as {@value #FROZEN}
   * when it is not empty; see the class comment.
   */
  static void write(Path dir, Map<String, Tensor> tensors, Map<String, String> metadata,
      Object config, Map<String, Tensor> frozen) {
    write(dir, tensors, metadata, config, frozen, INJECTED.get());
  }

  /** {@link #write} with failures injected before the renames. */
  static void write(Path dir, Map<String, Tensor> tensors, Map<String, String> metadata,
      Object config, Faults faults) {
    write(dir, tensors, metadata, config, Map.of(), faults);
  }

  /** Runs {@code save} with {@code faults} injected into every write of this thread, for tests. */
  static void withFaults(Faults faults, Runnable save) {
    INJECTED.set(faults);
    try {
      save.run();
    } finally {
      INJECTED.remove();
    }
  }

  /** {@link #write} with failures injected before the renames. */
  static void write(Path dir, Map<String, Tensor> tensors, Map<String, String> metadata,
      Object config, Map<String, Tensor> frozen, Faults faults) {
    Path weights = dir.resolve(PeftAdapters.WEIGHTS);
    Path configFile = dir.resolve(PeftAdapters.CONFIG);
    Path frozenFile = dir.resolve(FROZEN);
    byte[] configBytes = JsonFiles.encode(configFile, config);
    Map<String, String> meta = new LinkedHashMap<>(metadata);
    meta.put(CONFIG_HASH, sha256(configBytes));
    String tag = Long.toHexString(ThreadLocalRandom.current().nextLong());
    Path newWeights = dir.resolve("." + PeftAdapters.WEIGHTS + "." + tag + ".new");
    Path newConfig = dir.resolve("." + PeftAdapters.CONFIG + "." + tag + ".new");
    Path newFrozen = dir.resolve("." + FROZEN + "." + tag + ".new");
    Path oldWeights = dir.resolve("." + PeftAdapters.WEIGHTS + "." + tag + ".old");
    Path oldFrozen = dir.resolve("." + FROZEN + "." + tag + ".old");
    boolean weightsAside = false;
    boolean frozenAside = false;
    boolean weightsIn = false;
    boolean frozenIn = false;
    try {
      if (frozen.isEmpty()) {
        meta.put(FROZEN_HASH, NO_FROZEN);
      } else {
        Safetensors.write(newFrozen, frozen, Map.of("format", "graft"));
        meta.put(FROZEN_HASH, sha256(Files.readAllBytes(newFrozen)));
        keepPermissions(frozenFile, newFrozen);
      }
      Safetensors.write(newWeights, tensors, meta);
      JsonFiles.writeBytes(newConfig, configBytes);
      keepPermissions(weights, newWeights);
      keepPermissions(configFile, newConfig);
      faults.before("aside");
      if (Files.exists(weights)) {
        move(weights, oldWeights);
        weightsAside = true;
      }
      if (Files.exists(frozenFile)) {
        move(frozenFile, oldFrozen);
        frozenAside = true;
      }
      faults.before("weights");
      move(newWeights, weights);
      weightsIn = true;
      if (!frozen.isEmpty()) {
        faults.before("frozen");
        move(newFrozen, frozenFile);
        frozenIn = true;
      }
      faults.before("config");
      move(newConfig, configFile);
    } catch (IOException | RuntimeException | Error e) {
      RuntimeException failure = e instanceof RuntimeException r ? r
          : new SafetensorsException(dir, null, "cannot write the adapter: " + e, e);
      restore(weightsAside, weightsIn, oldWeights, weights, failure);   // the old save again
      restore(frozenAside, frozenIn, oldFrozen, frozenFile, failure);
      deleteQuietly(newWeights, failure);
      deleteQuietly(newConfig, failure);
      deleteQuietly(newFrozen, failure);
      if (e instanceof Error err) {
        throw err;
      }
      throw failure;
    }
    deleteQuietly(oldWeights, null);
    deleteQuietly(oldFrozen, null);
  }

  /** Puts the file renamed aside back at {@code target}, or removes a new one that had none. */
  private static void restore(boolean aside, boolean in, Path old, Path target,
      RuntimeException failure) {
    try {
      if (aside) {
        move(old, target);
      } else if (in) {
        Files.deleteIfExists(target);
      }
    } catch (IOException | RuntimeException r) {
      failure.addSuppressed(r);
    }
  }

  /**
   * Refuses {@code dir}'s frozen file when the weights' metadata binds another one (or none) to
   * them; returns the file to read, or null when there is none to read.
   */
  static @Nullable Path checkFrozen(Path weights, Map<String, String> weightsMetadata) {
    Path file = weights.resolveSibling(FROZEN);
    boolean exists = Files.isRegularFile(file);
    String want = weightsMetadata.get(FROZEN_HASH);
    if (want == null) {
      return exists ? file : null;   // PEFT's or an older save: nothing binds it
    }
    if (want.equals(NO_FROZEN)) {
      if (exists) {
        throw new CheckpointException(file, null, "lies beside " + PeftAdapters.WEIGHTS + ", which"
            + " was saved without one: it comes from a different save, e.g. an interrupted one;"
            + " remove it or save the adapter again");
      }
      return null;
    }
    if (!exists) {
      throw new CheckpointException(file, null, "is missing, but " + PeftAdapters.WEIGHTS
          + " was saved together with one (SHA-256 " + abbreviate(want) + "); save the adapter"
          + " again");
    }
    String got;
    try {
      got = sha256(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new CheckpointException(file, null, "cannot be read: " + e, e);
    }
    if (!want.equals(got)) {
      throw new CheckpointException(file, null, "is not the one " + PeftAdapters.WEIGHTS + " was"
          + " saved with (its header records SHA-256 " + abbreviate(want) + ", this file has "
          + abbreviate(got) + "): the files come from different saves, e.g. an interrupted one;"
          + " save the adapter again");
    }
    return file;
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
