package dev.graft.dsl.nn;

import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * A transposed convolution (the adjoint of a {@link Conv} with the same geometry) with 1, 2 or
 * 3 spatial axes in PyTorch's layout — {@code torch.nn.ConvTranspose1d}, {@code 2d} or
 * {@code 3d}, as one record: the weight's rank says which. Input {@code (N, C, *spatial)} (or
 * unbatched without {@code N}), weight {@code (in, out/groups, *kernel)}, bias {@code (out,)} or
 * absent. The geometry is static configuration. Messages and {@code toString} use PyTorch's
 * name for the rank.
 *
 * <p>{@link ConvTranspose1d}, {@link ConvTranspose2d} and {@link ConvTranspose3d} hold the
 * factories for one rank, with PyTorch's initialization: {@code kaiming_uniform_(a=√5)} with
 * PyTorch's fan-in for this layout, {@code fanIn = weight.size(1)·prod(kernel) =
 * out/groups·prod(kernel)}, and a bias {@code U(-1/√fanIn, 1/√fanIn)}.
 *
 * <pre>{@code
 * ConvTranspose up = ConvTranspose2d.create(8, 3, 4,
 *     ConvOptions.defaults().stride(2).padding(1), key);    // doubles H and W
 * }</pre>
 *
 * @param weight the kernel {@code (in, out/groups, *kernel)} with 1, 2 or 3 kernel axes
 * @param bias the {@code (out,)} bias, or {@code null}
 * @param geometry stride, padding, output padding (below stride or dilation) and dilation per
 *     spatial axis (one value is used on every axis), and the number of channel groups
 */
public record ConvTranspose(Tensor weight, @Nullable Tensor bias, ConvGeometry geometry)
    implements ConvTransposeLayer {

  /** Validates shapes and geometry; a single value of a setting fills every axis. */
  public ConvTranspose {
    geometry = ConvKind.ofWeight(weight, true).check(weight, bias, geometry);
  }

  /**
   * A transposed convolution with {@code spatialDims} spatial axes from {@code in} to
   * {@code out} channels, {@code kernel} one size for every axis or one per axis, initialized as
   * PyTorch does.
   */
  public static ConvTranspose create(int spatialDims, int in, int out, int[] kernel,
      ConvOptions options, Key key) {
    return ConvKind.of(spatialDims, true).create(in, out, kernel, options, key,
        ConvTranspose::new);
  }

  /** A layer with the given settings, each one value for every axis or one per axis. */
  public ConvTranspose(Tensor weight, @Nullable Tensor bias, int[] stride, int[] padding,
      int[] outputPadding, int[] dilation, int groups) {
    this(weight, bias, new ConvGeometry(stride, padding, outputPadding, dilation, groups));
  }

  @Override
  public ConvTranspose withParams(Tensor newWeight, @Nullable Tensor newBias) {
    return new ConvTranspose(newWeight, newBias, geometry);
  }

  @Override
  public ConvTranspose withWeight(Tensor newWeight) {
    return withParams(newWeight, bias);
  }

  @Override
  public String toString() {
    return ConvKind.of(this).describe(this);
  }
}
