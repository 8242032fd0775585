package dev.graft.dsl;

import dev.graft.dsl.tree.Layer;

import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Locale;
import java.util.Map;

/**
 * PEFT's {@code safe_merge}, on by default in {@link Net#merge()}: a merged layer whose leaves
 * hold a NaN or an infinity is refused with an error naming the layer, its adapter and the leaf.
 */
final class MergeCheck {
  private MergeCheck() {}

  static void requireFinite(Path path, LoraWrapper wrapper, Layer merged) {
    for (Map.Entry<Path, Tensor> e : Tree.leavesByPath(merged).entrySet()) {
      // Scans in place; only a leaf that has a non-finite value is copied, to count them.
      if (e.getValue().firstNonFinite() < 0) {
        continue;
      }
      float[] v = e.getValue().toArray();
      int bad = 0;
      float first = 0;
      for (float x : v) {
        if (!Float.isFinite(x)) {
          first = bad == 0 ? x : first;
          bad++;
        }
      }
      if (bad > 0) {
        throw new IllegalStateException(String.format(Locale.ROOT,
            "merge: layer '%s' (%s) would merge into non-finite weights: '%s' %s holds %d"
                + " non-finite value(s) of %d (first %s); the adapter has diverged or its product"
                + " overflows float32. Nothing was merged; call merge(mask, false) to merge anyway",
            path, wrapper.getClass().getSimpleName(), e.getKey(),
            Shapes.format(e.getValue().shape()), bad, v.length, first));
      }
    }
  }
}
