package dev.graft.dsl.lora;

import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;

/**
 * Scaling a layer per output row (Linear) or output channel (Conv) by a vector {@code v (out)}:
 * on a weight {@code (out, ...)} and on an output {@code (..., out)} or {@code (..., out,
 * *spatial)}. IA3's {@code l} and DoRA's {@code m/‖·‖} are both such a scale.
 */
final class RowScale {
  private RowScale() {}

  /**
   * Checks that one matrix's part of {@code v} ({@link WeightView#perMatrix}) is a vector of one
   * value per output of {@code view}, naming the adapter and the field.
   */
  static void checkVector(String adapter, String field, Tensor v, WeightView view) {
    int[] s = view.perMatrix(adapter, field, v);
    if (s.length != 1 || s[0] != view.out()) {
      throw new IllegalArgumentException(adapter + ": " + field + " has shape "
          + Shapes.format(s) + ", expected (" + view.out() + ",) (one value per output)");
    }
  }

  /** {@code v} shaped to scale an output whose feature axis is followed by {@code spatialDims}. */
  public static Tensor forOutput(Tensor v, int spatialDims) {
    if (spatialDims == 0) {
      return v;
    }
    int[] s = new int[spatialDims + 1];
    Arrays.fill(s, 1);
    s[0] = v.dim(0);
    return v.reshape(s);
  }

  /** {@code y ⊙ v} on the output axis of {@code y} ({@code spatialDims = 0} for Linear). */
  public static Tensor onOutput(Tensor y, Tensor v, int spatialDims) {
    return y.times(forOutput(v, spatialDims));
  }

  /** {@code diag(v) W}: row {@code i} of the weight {@code (out, ...)} times {@code v[i]}. */
  public static Tensor onRows(Tensor w, Tensor v) {
    return w.times(forOutput(v, w.ndim() - 1));
  }
}
