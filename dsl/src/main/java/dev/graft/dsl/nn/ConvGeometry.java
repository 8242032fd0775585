package dev.graft.dsl.nn;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The geometry of a convolution layer as one immutable value: stride, padding, output padding
 * and dilation per spatial axis, and the number of channel groups. The arrays are copied on the
 * way in and out, and two geometries are equal when their contents are, so the layer records that
 * hold one get value equality from the record machinery.
 *
 * <p>Each setting holds one value for every spatial axis or one value per axis; a layer expands
 * it to one per axis and checks it when it is built. Plain convolutions have no output padding
 * (it must be 0, as {@link #of} makes it).
 *
 * <pre>{@code
 * Conv2d conv = new Conv2d(weight, bias, ConvGeometry.of(new int[] {2}, new int[] {1},
 *     new int[] {1}, 1));
 * }</pre>
 *
 * @param stride step per spatial axis
 * @param padding PyTorch's {@code padding} per spatial axis (zero padding on both sides for a
 *     plain convolution)
 * @param outputPadding extra size on one side of a transposed convolution's output per axis
 * @param dilation spacing between kernel taps per spatial axis
 * @param groups number of channel groups
 */
public record ConvGeometry(int[] stride, int[] padding, int[] outputPadding, int[] dilation,
    int groups) {
  /** Copies the arrays. */
  public ConvGeometry {
    stride = stride.clone();
    padding = padding.clone();
    outputPadding = outputPadding.clone();
    dilation = dilation.clone();
  }

  /** A plain convolution's geometry: the given settings and no output padding. */
  public static ConvGeometry of(int[] stride, int[] padding, int[] dilation, int groups) {
    return new ConvGeometry(stride, padding, new int[] {0}, dilation, groups);
  }

  /** Stride per spatial axis (a copy). */
  @Override
  public int[] stride() {
    return stride.clone();
  }

  /** Padding per spatial axis (a copy). */
  @Override
  public int[] padding() {
    return padding.clone();
  }

  /** Output padding per spatial axis (a copy). */
  @Override
  public int[] outputPadding() {
    return outputPadding.clone();
  }

  /** Dilation per spatial axis (a copy). */
  @Override
  public int[] dilation() {
    return dilation.clone();
  }

  /**
   * This geometry with one value per spatial axis in every setting, the messages naming
   * {@code who}; with {@code check}, also refuses a stride or dilation below 1 and a padding or
   * output padding below 0.
   */
  ConvGeometry perAxis(String who, int dims, boolean check) {
    int one = check ? 1 : Integer.MIN_VALUE;
    int zero = check ? 0 : Integer.MIN_VALUE;
    return new ConvGeometry(axes(who, "stride", stride, dims, one),
        axes(who, "padding", padding, dims, zero),
        axes(who, "outputPadding", outputPadding, dims, zero),
        axes(who, "dilation", dilation, dims, one), groups);
  }

  /**
   * One value for every axis, or exactly one per axis, each at least {@code min}; a copy either
   * way.
   */
  static int[] axes(String who, String what, int[] values, int dims, int min) {
    int[] v;
    if (values.length == 1) {
      v = new int[dims];
      Arrays.fill(v, values[0]);
    } else if (values.length == dims) {
      v = values.clone();
    } else {
      throw new IllegalArgumentException(who + ": " + what + " " + Arrays.toString(values)
          + " has " + values.length + " values for " + dims + " spatial dims");
    }
    for (int x : v) {
      if (x < min) {
        throw new IllegalArgumentException(who + ": " + what + " " + Arrays.toString(v)
            + " must be at least " + min + " on every axis");
      }
    }
    return v;
  }

  /** The settings as {@code stride=[1], padding=[0], ..., groups=1}. */
  String fields() {
    return "stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padding)
        + ", outputPadding=" + Arrays.toString(outputPadding) + ", dilation="
        + Arrays.toString(dilation) + ", groups=" + groups;
  }

  private Object[] parts() {
    return new Object[] {stride, padding, outputPadding, dilation, groups};
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ConvGeometry g && Arrays.deepEquals(parts(), g.parts());
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(parts());
  }

  @Override
  public String toString() {
    return "ConvGeometry[" + fields() + "]";
  }
}
