package dev.graft.dsl.lora;

import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;

/** Shape checks for an adapter's tensor components, with messages naming adapter and field. */
final class FieldShapes {
  private FieldShapes() {}

  /** Rejects {@code t} unless its shape is exactly {@code expected}. */
  public static void check(String adapter, String field, Tensor t, int... expected) {
    if (!Arrays.equals(t.shape(), expected)) {
      throw new IllegalArgumentException(adapter + ": " + field + " has shape "
          + Shapes.format(t.shape()) + ", expected " + Shapes.format(expected));
    }
  }
}
