package dev.graft.dsl.nn;

import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * A convolution with 1, 2 or 3 spatial axes in PyTorch's layout — {@code torch.nn.Conv1d},
 * {@code Conv2d} or {@code Conv3d}, as one record: the weight's rank says which. Input
 * {@code (N, C, *spatial)} (or unbatched without {@code N}), weight
 * {@code (out, in/groups, *kernel)}, bias {@code (out,)} or absent. The geometry is static
 * configuration. Messages and {@code toString} use PyTorch's name for the rank
 * ({@code Conv2d(3, 8, kernel=(3, 3), ...)}).
 *
 * <p>{@link Conv1d}, {@link Conv2d} and {@link Conv3d} hold the factories for one rank, with
 * PyTorch's initialization ({@code kaiming_uniform_(a=√5)} with
 * {@code fanIn = in/groups·prod(kernel)}, a bias {@code U(-1/√fanIn, 1/√fanIn)}):
 *
 * <pre>{@code
 * Conv conv = Conv2d.create(3, 8, 3, key);                  // weight (8, 3, 3, 3)
 * Conv same = new Conv(conv.weight(), conv.bias(), conv.geometry());
 * }</pre>
 *
 * @param weight the kernel {@code (out, in/groups, *kernel)} with 1, 2 or 3 kernel axes
 * @param bias the {@code (out,)} bias, or {@code null}
 * @param geometry stride, padding (zero padding on both sides) and dilation per spatial axis
 *     (one value is used on every axis), and the number of channel groups; no output padding
 */
public record Conv(Tensor weight, @Nullable Tensor bias, ConvGeometry geometry)
    implements ConvLayer {

  /** Validates shapes and geometry; a single value of a setting fills every axis. */
  public Conv {
    geometry = ConvKind.ofWeight(weight, false).check(weight, bias, geometry);
  }

  /**
   * A convolution with {@code spatialDims} spatial axes from {@code in} to {@code out} channels,
   * {@code kernel} one size for every axis or one per axis, initialized as PyTorch does.
   */
  public static Conv create(int spatialDims, int in, int out, int[] kernel, ConvOptions options,
      Key key) {
    return ConvKind.of(spatialDims, false).create(in, out, kernel, options, key, Conv::new);
  }

  /** A layer with the given settings, each one value for every axis or one per axis. */
  public Conv(Tensor weight, @Nullable Tensor bias, int[] stride, int[] padding,
      int[] dilation, int groups) {
    this(weight, bias, ConvGeometry.of(stride, padding, dilation, groups));
  }

  @Override
  public Conv withParams(Tensor newWeight, @Nullable Tensor newBias) {
    return new Conv(newWeight, newBias, geometry);
  }

  @Override
  public Conv withWeight(Tensor newWeight) {
    return withParams(newWeight, bias);
  }

  @Override
  public String toString() {
    return ConvKind.of(this).describe(this);
  }
}
