package dev.graft.dsl.io;

import dev.graft.runtime.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The whole contents of a safetensors file in memory: named tensors in file order and the
 * string-to-string metadata. Both maps are unmodifiable copies, so a {@code TensorFile} is an
 * immutable value; equality is by contents (tensors compare by value).
 *
 * @param tensors the tensors by name, in the order they are stored
 * @param metadata the {@code __metadata__} entries, empty if the file has none
 */
public record TensorFile(Map<String, Tensor> tensors, Map<String, String> metadata) {
  /** Copies both maps, keeping their iteration order; nulls are refused. */
  public TensorFile {
    tensors = copy(tensors, "tensors");
    metadata = copy(metadata, "metadata");
  }

  /** Tensors without metadata. */
  public static TensorFile of(Map<String, Tensor> tensors) {
    return new TensorFile(tensors, Map.of());
  }

  private static <V> Map<String, V> copy(Map<String, V> map, String what) {
    Map<String, V> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(Objects.requireNonNull(k, () -> "null key in " + what),
        Objects.requireNonNull(v, () -> "null value for '" + k + "' in " + what)));
    return Collections.unmodifiableMap(out);
  }
}
