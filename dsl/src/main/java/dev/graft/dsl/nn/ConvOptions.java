package dev.graft.dsl.nn;

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
      new ConvOptions(ConvGeometry.of(new int[] {1}, new int[] {0}, new int[] {1}, 1), true);

  private final ConvGeometry geometry;
  private final boolean bias;

  private ConvOptions(ConvGeometry geometry, boolean bias) {
    this.geometry = geometry;
    this.bias = bias;
  }

  /** PyTorch's defaults: stride 1, padding 0, output padding 0, dilation 1, groups 1, bias. */
  public static ConvOptions defaults() {
    return DEFAULTS;
  }

  /** Step between patches: one value for every axis, or one per spatial axis. */
  public ConvOptions stride(int... values) {
    ConvGeometry g = geometry;
    return with(new ConvGeometry(check("stride", values), g.padding(), g.outputPadding(),
        g.dilation(), g.groups()));
  }

  /** Zero padding on both sides: one value for every axis, or one per spatial axis. */
  public ConvOptions padding(int... values) {
    ConvGeometry g = geometry;
    return with(new ConvGeometry(g.stride(), check("padding", values), g.outputPadding(),
        g.dilation(), g.groups()));
  }

  /**
   * Extra size added to one side of a transposed convolution's output: one value for every
   * axis, or one per spatial axis. Plain convolutions refuse a non-zero value.
   */
  public ConvOptions outputPadding(int... values) {
    ConvGeometry g = geometry;
    return with(new ConvGeometry(g.stride(), g.padding(), check("outputPadding", values),
        g.dilation(), g.groups()));
  }

  /** Spacing between kernel taps: one value for every axis, or one per spatial axis. */
  public ConvOptions dilation(int... values) {
    ConvGeometry g = geometry;
    return with(new ConvGeometry(g.stride(), g.padding(), g.outputPadding(),
        check("dilation", values), g.groups()));
  }

  /** Number of blocked connections from input to output channels. */
  public ConvOptions groups(int value) {
    if (value < 1) {
      throw new IllegalArgumentException("ConvOptions: groups must be at least 1, got " + value);
    }
    ConvGeometry g = geometry;
    return with(new ConvGeometry(g.stride(), g.padding(), g.outputPadding(), g.dilation(),
        value));
  }

  /** Whether the layer has a bias. */
  public ConvOptions bias(boolean value) {
    return new ConvOptions(geometry, value);
  }

  /** The number of groups. */
  public int groups() {
    return geometry.groups();
  }

  /** Whether the layer gets a bias. */
  public boolean hasBias() {
    return bias;
  }

  /** The geometry settings as given: one value for every axis or one per axis. */
  ConvGeometry geometry() {
    return geometry;
  }

  private ConvOptions with(ConvGeometry g) {
    return new ConvOptions(g, bias);
  }

  private static int[] check(String what, int[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("ConvOptions: " + what + " needs at least one value");
    }
    return values;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ConvOptions c && geometry.equals(c.geometry) && bias == c.bias;
  }

  @Override
  public int hashCode() {
    return 31 * geometry.hashCode() + Boolean.hashCode(bias);
  }

  @Override
  public String toString() {
    return "ConvOptions[" + geometry.fields() + ", bias=" + bias + "]";
  }
}
