package dev.graft.dsl.nn;

import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A 2-d convolution in PyTorch's layout: input {@code (N, C, H, W)} (or unbatched without
 * {@code N}), weight {@code (out, in/groups, kH, kW)}, bias {@code (out,)} or absent. The
 * integer arrays are static configuration, copied on the way in and out.
 *
 * <p>Initialization ({@link #create}) follows {@code torch.nn.Conv2d}: the weight is
 * {@code kaiming_uniform_(a=√5)} with {@code fanIn = in/groups·prod(kernel)}, i.e.
 * {@code U(-1/√fanIn, 1/√fanIn)}, and the bias is {@code U(-1/√fanIn, 1/√fanIn)}.
 *
 * <pre>{@code
 * Conv2d conv = Conv2d.create(3, 8, 3, key);
 * }</pre>
 *
 * @param weight the kernel {@code (out, in/groups, kH, kW)}
 * @param bias the {@code (out,)} bias, or {@code null}
 * @param stride step per spatial axis (one value is used on every axis)
 * @param padding zero padding on both sides per spatial axis (one value for every axis)
 * @param dilation spacing between kernel taps per spatial axis (one value for every axis)
 * @param groups number of channel groups
 */
public record Conv2d(Tensor weight, @Nullable Tensor bias, int[] stride, int[] padding,
    int[] dilation, int groups) implements ConvLayer {
  private static final String NAME = "Conv2d";
  private static final int DIMS = 2;

  /** Validates shapes and geometry; copies the arrays (a single value fills every axis). */
  public Conv2d {
    stride = Convs.axes(NAME, "stride", stride, DIMS, 1);
    padding = Convs.axes(NAME, "padding", padding, DIMS, 0);
    dilation = Convs.axes(NAME, "dilation", dilation, DIMS, 1);
    Convs.checkConv(NAME, DIMS, weight, bias, groups);
  }

  /** A convolution with one {@code kernel} size on every axis, PyTorch's defaults and init. */
  public static Conv2d create(int in, int out, int kernel, Key key) {
    return create(in, out, new int[] {kernel}, ConvOptions.defaults(), key);
  }

  /** A convolution with one {@code kernel} size on every axis and the given options. */
  public static Conv2d create(int in, int out, int kernel, ConvOptions options, Key key) {
    return create(in, out, new int[] {kernel}, options, key);
  }

  /**
   * A convolution from {@code in} to {@code out} channels, {@code kernel} one size for every
   * axis or one per axis, initialized as {@code torch.nn.Conv2d}.
   */
  public static Conv2d create(int in, int out, int[] kernel, ConvOptions options, Key key) {
    Convs.noOutputPadding(NAME, options, DIMS);
    Convs.Parts p = Convs.init(NAME, DIMS, in, out, kernel, options, false, key);
    return new Conv2d(p.weight(), p.bias(), options.strideFor(DIMS), options.paddingFor(DIMS),
        options.dilationFor(DIMS), options.groups());
  }

  @Override
  public int[] stride() {
    return stride.clone();
  }

  @Override
  public int[] padding() {
    return padding.clone();
  }

  @Override
  public int[] dilation() {
    return dilation.clone();
  }

  @Override
  public int spatialDims() {
    return DIMS;
  }

  @Override
  public Tensor convolve(Tensor x, Tensor kernel) {
    return Convs.conv(NAME, DIMS, x, kernel, null, stride, padding, dilation, groups);
  }

  @Override
  public Conv2d withParams(Tensor newWeight, @Nullable Tensor newBias) {
    return new Conv2d(newWeight, newBias, stride, padding, dilation, groups);
  }

  @Override
  public Conv2d withWeight(Tensor newWeight) {
    return withParams(newWeight, bias);
  }

  /** The convolution of {@code x} plus the bias. */
  @Override
  public Tensor apply(Tensor x) {
    return Convs.conv(NAME, DIMS, x, weight, bias, stride, padding, dilation, groups);
  }

  private Object[] parts() {
    return new Object[] {weight, bias, stride, padding, dilation, groups};
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Conv2d c && Arrays.deepEquals(parts(), c.parts());
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(parts());
  }

  @Override
  public String toString() {
    return Convs.describe(NAME, inChannels(), outChannels(), kernelSize(), stride, padding, null,
        dilation, groups, bias != null);
  }
}
