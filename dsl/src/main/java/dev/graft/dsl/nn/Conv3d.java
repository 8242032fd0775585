package dev.graft.dsl.nn;

import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * A 3-d convolution in PyTorch's layout: input {@code (N, C, D, H, W)} (or unbatched without
 * {@code N}), weight {@code (out, in/groups, kD, kH, kW)}, bias {@code (out,)} or absent. The
 * geometry is static configuration.
 *
 * <p>Initialization ({@link #create}) follows {@code torch.nn.Conv3d}: the weight is
 * {@code kaiming_uniform_(a=√5)} with {@code fanIn = in/groups·prod(kernel)}, i.e.
 * {@code U(-1/√fanIn, 1/√fanIn)}, and the bias is {@code U(-1/√fanIn, 1/√fanIn)}.
 *
 * <pre>{@code
 * Conv3d conv = Conv3d.create(2, 4, 3, key);
 * }</pre>
 *
 * @param weight the kernel {@code (out, in/groups, kD, kH, kW)}
 * @param bias the {@code (out,)} bias, or {@code null}
 * @param geometry stride, padding (zero padding on both sides) and dilation per spatial axis
 *     (one value is used on every axis), and the number of channel groups; no output padding
 */
public record Conv3d(Tensor weight, @Nullable Tensor bias, ConvGeometry geometry)
    implements ConvLayer {
  private static final ConvKind KIND = ConvKind.conv("Conv3d", 3);

  /** Validates shapes and geometry; a single value of a setting fills every axis. */
  public Conv3d {
    geometry = KIND.check(weight, bias, geometry);
  }

  /** A layer with the given settings, each one value for every axis or one per axis. */
  public Conv3d(Tensor weight, @Nullable Tensor bias, int[] stride, int[] padding,
      int[] dilation, int groups) {
    this(weight, bias, ConvGeometry.of(stride, padding, dilation, groups));
  }

  /** A convolution with one {@code kernel} size on every axis, PyTorch's defaults and init. */
  public static Conv3d create(int in, int out, int kernel, Key key) {
    return create(in, out, new int[] {kernel}, ConvOptions.defaults(), key);
  }

  /** A convolution with one {@code kernel} size on every axis and the given options. */
  public static Conv3d create(int in, int out, int kernel, ConvOptions options, Key key) {
    return create(in, out, new int[] {kernel}, options, key);
  }

  /**
   * A convolution from {@code in} to {@code out} channels, {@code kernel} one size for every
   * axis or one per axis, initialized as {@code torch.nn.Conv3d}.
   */
  public static Conv3d create(int in, int out, int[] kernel, ConvOptions options, Key key) {
    return KIND.create(in, out, kernel, options, key, Conv3d::new);
  }

  @Override
  public Conv3d withParams(Tensor newWeight, @Nullable Tensor newBias) {
    return new Conv3d(newWeight, newBias, geometry);
  }

  @Override
  public Conv3d withWeight(Tensor newWeight) {
    return withParams(newWeight, bias);
  }

  @Override
  public String toString() {
    return KIND.describe(this);
  }
}
