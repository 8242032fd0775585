package dev.graft.dsl.nn;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The optional settings of a convolution layer's factory, as an immutable fluent value: each
 * method returns a changed copy. Defaults are PyTorch's: stride 1, padding 0, output padding 0,
 * dilation 1, groups 1, with a bias.
 *
 * <p>Per-axis settings take either one value (used on every spatial axis, like PyTorch's
 * {@code stride=2}) or one value per spatial axis ({@code stride(2, 1)}); the count is checked
 * when a layer is built. {@link #outputPadding(int...)} applies only to transposed convolutions.
 *
 * <pre>{@code
 * Conv2d conv = Conv2d.create(3, 8, 3, ConvOptions.defaults().stride(2).padding(1), key);
 * }</pre>
 */
public final class ConvOptions {
  private static final ConvOptions DEFAULTS =
      new ConvOptions(new int[] {1}, new int[] {0}, new int[] {0}, new int[] {1}, 1, true);

  private final int[] stride;
  private final int[] padding;
  private final int[] outputPadding;
  private final int[] dilation;
  private final int groups;
  private final boolean bias;

  private ConvOptions(int[] stride, int[] padding, int[] outputPadding, int[] dilation,
      int groups, boolean bias) {
    this.stride = stride;
    this.padding = padding;
    this.outputPadding = outputPadding;
    this.dilation = dilation;
    this.groups = groups;
    this.bias = bias;
  }

  /** PyTorch's defaults: stride 1, padding 0, output padding 0, dilation 1, groups 1, bias. */
  public static ConvOptions defaults() {
    return DEFAULTS;
  }

  /** Step between patches: one value for every axis, or one per spatial axis. */
  public ConvOptions stride(int... values) {
    return new ConvOptions(check("stride", values), padding, outputPadding, dilation, groups,
        bias);
  }

  /** Zero padding on both sides: one value for every axis, or one per spatial axis. */
  public ConvOptions padding(int... values) {
    return new ConvOptions(stride, check("padding", values), outputPadding, dilation, groups,
        bias);
  }

  /**
   * Extra size added to one side of a transposed convolution's output: one value for every
   * axis, or one per spatial axis. Plain convolutions refuse a non-zero value.
   */
  public ConvOptions outputPadding(int... values) {
    return new ConvOptions(stride, padding, check("outputPadding", values), dilation, groups,
        bias);
  }

  /** Spacing between kernel taps: one value for every axis, or one per spatial axis. */
  public ConvOptions dilation(int... values) {
    return new ConvOptions(stride, padding, outputPadding, check("dilation", values), groups,
        bias);
  }

  /** Number of blocked connections from input to output channels. */
  public ConvOptions groups(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("ConvOptions: groups must be at least 1, got " + value);
    }
    return new ConvOptions(stride, padding, outputPadding, dilation, value, bias);
  }

  /** Whether the layer has a bias. */
  public ConvOptions bias(boolean value) {
    return new ConvOptions(stride, padding, outputPadding, dilation, groups, value);
  }

  /** The number of groups. */
  public int groups() {
    return groups;
  }

  /** Whether the layer gets a bias. */
  public boolean hasBias() {
    return bias;
  }

  int[] strideFor(int dims) {
    return Convs.expand("ConvOptions", "stride", stride, dims);
  }

  int[] paddingFor(int dims) {
    return Convs.expand("ConvOptions", "padding", padding, dims);
  }

  int[] outputPaddingFor(int dims) {
    return Convs.expand("ConvOptions", "outputPadding", outputPadding, dims);
  }

  int[] dilationFor(int dims) {
    return Convs.expand("ConvOptions", "dilation", dilation, dims);
  }

  private static int[] check(String what, int[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("ConvOptions: " + what + " needs at least one value");
    }
    return values.clone();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ConvOptions c && Arrays.equals(stride, c.stride)
        && Arrays.equals(padding, c.padding) && Arrays.equals(outputPadding, c.outputPadding)
        && Arrays.equals(dilation, c.dilation) && groups == c.groups && bias == c.bias;
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(new Object[] {stride, padding, outputPadding, dilation, groups,
        bias});
  }

  @Override
  public String toString() {
    return "ConvOptions[stride=" + Arrays.toString(stride) + ", padding="
        + Arrays.toString(padding) + ", outputPadding=" + Arrays.toString(outputPadding)
        + ", dilation=" + Arrays.toString(dilation) + ", groups=" + groups + ", bias=" + bias
        + "]";
  }
}
