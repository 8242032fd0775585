package dev.graft.dsl.lora;

import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;

/** Shape checks for an adapter's tensor components, with messages naming adapter and field. */
final class FieldShapes {
  private FieldShapes() {}

  /** Rejects {@code t} unless its shape is exactly {@code expected}. */
  public static void check(String adapter, String field, Tensor t, int... expected) {
    check(adapter, field, t.shape(), expected);
  }

  /**
   * Rejects {@code t} unless one matrix's part of it ({@link WeightView#perMatrix}: all of it, or
   * one group's slice) has exactly the shape {@code expected}.
   */
  static void check(String adapter, WeightView view, String field, Tensor t, int... expected) {
    check(adapter, field, view.perMatrix(adapter, field, t), expected);
  }

  private static void check(String adapter, String field, int[] shape, int... expected) {
    if (!Arrays.equals(shape, expected)) {
      throw new IllegalArgumentException(adapter + ": " + field + " has shape "
          + Shapes.format(shape) + ", expected " + Shapes.format(expected));
    }
  }
}
