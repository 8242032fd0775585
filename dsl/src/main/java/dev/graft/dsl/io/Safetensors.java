package dev.graft.dsl.io;

import dev.graft.runtime.Tensor;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reading and writing the <a href="https://huggingface.co/docs/safetensors">safetensors</a>
 * format, the tensor file of the Hugging Face ecosystem: an 8-byte little-endian header length, a
 * JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian data.
 *
 * <pre>{@code
 * Safetensors.write(path, Map.of("w", w, "b", b), Map.of("format", "pt"));
 * TensorFile f = Safetensors.read(path);              // everything, as float32
 * try (SafetensorsReader r = Safetensors.open(big)) {  // one tensor at a time
 *   Tensor q = r.tensor("model.layers.0.self_attn.q_proj.weight");
 * }
 * }</pre>
 *
 * <p>Reading accepts F32 and converts F16, BF16, F64 and the integer and bool types to float32
 * (see {@link Dtype}); writing produces F32. Files are validated as Hugging Face's reference
 * implementation does, and every problem is a {@link SafetensorsException} naming the file and
 * key. Writes replace the target atomically.
 */
public final class Safetensors {
  private Safetensors() {}

  /** Reads every tensor of {@code file} and its metadata into memory. */
  public static TensorFile read(Path file) {
    try (SafetensorsReader reader = open(file)) {
      return reader.readAll();
    }
  }

  /**
   * Opens {@code file} for reading tensors one at a time; only the header is read and validated
   * now. Close the reader when done.
   */
  public static SafetensorsReader open(Path file) {
    return SafetensorsReader.open(file);
  }

  /**
   * Writes {@code tensors} as F32, sorted by name, with {@code metadata} as the header's
   * {@code __metadata__} (omitted when empty). The target is replaced atomically: a temporary
   * file in the same directory is written, forced to disk and renamed over it, so a failure at
   * any point leaves the previous file whole and no temporary file behind; a replaced file keeps
   * its POSIX permissions. Each tensor is streamed from its storage in 1 MiB chunks, never copied
   * whole. The name {@code "__metadata__"} is reserved.
   */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
    SafetensorsWriter.write(file, tensors, metadata);
  }

  /** {@link #write(Path, Map, Map)} without metadata. */
  public static void write(Path file, Map<String, Tensor> tensors) {
    write(file, tensors, Map.of());
  }

  /** {@link #write(Path, Map, Map)} of a whole {@link TensorFile}. */
  public static void write(Path file, TensorFile contents) {
    write(file, contents.tensors(), contents.metadata());
  }
}
