package dev.graft.dsl.io;

import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads one tensor of a checkpoint after checking, from the header alone, that it is a
 * floating-point tensor of the shape its destination expects; so a mismatched file fails before
 * any large read.
 */
final class TensorReads {
  /** The dtypes a weight may be stored in; integers and bools are not weights. */
  static final Set<Dtype> FLOATS = EnumSet.of(Dtype.F16, Dtype.BF16, Dtype.F32, Dtype.F64);

  private TensorReads() {}

  /**
   * Tensor {@code key} of {@code reader}, which must be a float dtype of shape {@code expected};
   * {@code what} names the destination in the message (e.g. {@code "leaf 'layers/0/weight'"}).
   */
  static Tensor read(SafetensorsReader reader, String key, int[] expected, String what) {
    checkInfo(reader, key, expected, what);
    return reader.tensor(key);
  }

  /** Checks dtype and shape of tensor {@code key} without reading it. */
  static void checkInfo(SafetensorsReader reader, String key, int[] expected, String what) {
    TensorInfo info = reader.info(key);
    if (!FLOATS.contains(info.dtype())) {
      throw new CheckpointException(reader.file(), key, "dtype " + info.dtype()
          + " is not a floating-point type (F16, BF16, F32, F64), so it cannot fill " + what);
    }
    if (!Arrays.equals(info.shape(), expected)) {
      throw new CheckpointException(reader.file(), key, "shape " + Shapes.format(info.shape())
          + " does not match " + what + " of shape " + Shapes.format(expected));
    }
  }
}
