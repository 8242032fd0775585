package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/** Test helpers for the layer tests: parameter counting and random tensors. */
final class Fixtures {
  private Fixtures() {}

  /**
   * Number of parameters, counted as PyTorch's {@code sum(p.numel() for p in m.parameters())}:
   * the sizes of every Tensor component, recursing into Layer, List and Map components.
   */
  static long parameterCount(@Nullable Object node) {
    if (node == null) {
      return 0;
    }
    if (node instanceof Tensor t) {
      return t.size();
    }
    if (node instanceof List<?> list) {
      return list.stream().mapToLong(Fixtures::parameterCount).sum();
    }
    if (node instanceof Map<?, ?> map) {
      return map.values().stream().mapToLong(Fixtures::parameterCount).sum();
    }
    if (node instanceof Layer && node.getClass().isRecord()) {
      long n = 0;
      for (RecordComponent rc : node.getClass().getRecordComponents()) {
        try {
          n += parameterCount(rc.getAccessor().invoke(node));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      return n;
    }
    return 0;
  }

  /** A tensor of the given shape with values uniform in {@code [-1, 1)} from {@code rnd}. */
  static Tensor randn(Random rnd, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = rnd.nextFloat() * 2f - 1f;
    }
    return Tensor.of(v, shape);
  }

  /** The largest absolute value. */
  static float maxAbs(Tensor t) {
    float m = 0f;
    for (float v : t.toArray()) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  /** The mean value. */
  static double mean(Tensor t) {
    double s = 0;
    float[] v = t.toArray();
    for (float x : v) {
      s += x;
    }
    return s / v.length;
  }
}
