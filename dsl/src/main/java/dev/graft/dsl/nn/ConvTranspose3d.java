package dev.graft.dsl.nn;

import dev.graft.runtime.Key;

/**
 * Factories for 3-d transposed convolutions as {@code torch.nn.ConvTranspose3d} makes them: each
 * answers a {@link ConvTranspose} with input {@code (N, C, D, H, W)} (or unbatched without
 * {@code N}) and weight {@code (in, out/groups, kD, kH, kW)}, initialized as PyTorch does
 * ({@code kaiming_uniform_(a=√5)} with {@code fanIn = out/groups·prod(kernel)}, a bias
 * {@code U(-1/√fanIn, 1/√fanIn)}).
 *
 * <pre>{@code
 * ConvTranspose up = ConvTranspose3d.create(4, 2, 2,
 *     ConvOptions.defaults().stride(2), key);
 * // weight (4, 2, 2, 2, 2); toString starts "ConvTranspose3d("
 * }</pre>
 */
public final class ConvTranspose3d {
  private ConvTranspose3d() {}

  /** A transposed convolution with one {@code kernel} size on every axis, PyTorch's defaults. */
  public static ConvTranspose create(int in, int out, int kernel, Key key) {
    return create(in, out, new int[] {kernel}, ConvOptions.defaults(), key);
  }

  /** A transposed convolution with one {@code kernel} size on every axis and the options. */
  public static ConvTranspose create(int in, int out, int kernel, ConvOptions options,
      Key key) {
    return create(in, out, new int[] {kernel}, options, key);
  }

  /**
   * A transposed convolution from {@code in} to {@code out} channels, {@code kernel} one size for
   * every axis or one per axis, with the options.
   */
  public static ConvTranspose create(int in, int out, int[] kernel, ConvOptions options,
      Key key) {
    return ConvTranspose.create(3, in, out, kernel, options, key);
  }
}
