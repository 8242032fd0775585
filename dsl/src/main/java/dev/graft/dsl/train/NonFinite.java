package dev.graft.dsl.train;

import dev.graft.dsl.tree.Path;
import dev.graft.runtime.Tensor;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The first leaf, in map order, whose tensor holds a NaN or infinite value. */
record NonFinite(Path path, int index, float value) {
  /** The first non-finite entry of {@code tensors}, or null when all are finite. */
  static @Nullable NonFinite find(Map<Path, Tensor> tensors) {
    for (Map.Entry<Path, Tensor> e : tensors.entrySet()) {
      int i = e.getValue().firstNonFinite();
      if (i >= 0) {
        return new NonFinite(e.getKey(), i, e.getValue().buffer().get(i));
      }
    }
    return null;
  }

  /** E.g. {@code leaf 'layers/0/weight' holds NaN at flat index 3}. */
  String describe() {
    return "leaf '" + path + "' holds " + value + " at flat index " + index;
  }
}
