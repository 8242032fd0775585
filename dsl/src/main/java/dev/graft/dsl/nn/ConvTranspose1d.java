package dev.graft.dsl.nn;

import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * A 1-d transposed convolution (the adjoint of {@link Conv1d} with the same geometry) in
 * PyTorch's layout: input {@code (N, C, L)} (or unbatched without {@code N}), weight
 * {@code (in, out/groups, k)}, bias {@code (out,)} or absent. The geometry is
 * static configuration.
 *
 * <p>Initialization ({@link #create}) follows {@code torch.nn.ConvTranspose1d}: the weight is
 * {@code kaiming_uniform_(a=√5)} with PyTorch's fan-in for this layout,
 * {@code fanIn = weight.size(1)·prod(kernel) = out/groups·prod(kernel)}, i.e.
 * {@code U(-1/√fanIn, 1/√fanIn)}, and the bias is {@code U(-1/√fanIn, 1/√fanIn)}.
 *
 * <pre>{@code
 * ConvTranspose1d up = ConvTranspose1d.create(32, 16, 4,
 *     ConvOptions.defaults().stride(2).padding(1), key);
 * }</pre>
 *
 * @param weight the kernel {@code (in, out/groups, k)}
 * @param bias the {@code (out,)} bias, or {@code null}
 * @param geometry stride, padding, output padding (below stride or dilation) and dilation per
 *     spatial axis (one value is used on every axis), and the number of channel groups
 */
public record ConvTranspose1d(Tensor weight, @Nullable Tensor bias, ConvGeometry geometry)
    implements ConvTransposeLayer {
  private static final ConvKind KIND = ConvKind.convTranspose("ConvTranspose1d", 1);

  /** Validates shapes and geometry; a single value of a setting fills every axis. */
  public ConvTranspose1d {
    geometry = KIND.check(weight, bias, geometry);
  }

  /** A layer with the given settings, each one value for every axis or one per axis. */
  public ConvTranspose1d(Tensor weight, @Nullable Tensor bias, int[] stride, int[] padding,
      int[] outputPadding, int[] dilation, int groups) {
    this(weight, bias, new ConvGeometry(stride, padding, outputPadding, dilation, groups));
  }

  /** A transposed convolution with one {@code kernel} size on every axis, PyTorch's defaults. */
  public static ConvTranspose1d create(int in, int out, int kernel, Key key) {
    return create(in, out, new int[] {kernel}, ConvOptions.defaults(), key);
  }

  /** A transposed convolution with one {@code kernel} size on every axis and the options. */
  public static ConvTranspose1d create(int in, int out, int kernel, ConvOptions options,
      Key key) {
    return create(in, out, new int[] {kernel}, options, key);
  }

  /**
   * A transposed convolution from {@code in} to {@code out} channels, {@code kernel} one size
   * for every axis or one per axis, initialized as {@code torch.nn.ConvTranspose1d}.
   */
  public static ConvTranspose1d create(int in, int out, int[] kernel, ConvOptions options,
      Key key) {
    return KIND.create(in, out, kernel, options, key, ConvTranspose1d::new);
  }

  @Override
  public ConvTranspose1d withParams(Tensor newWeight, @Nullable Tensor newBias) {
    return new ConvTranspose1d(newWeight, newBias, geometry);
  }

  @Override
  public ConvTranspose1d withWeight(Tensor newWeight) {
    return withParams(newWeight, bias);
  }

  @Override
  public String toString() {
    return KIND.describe(this);
  }
}
