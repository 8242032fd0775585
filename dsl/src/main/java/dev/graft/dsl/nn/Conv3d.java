package dev.graft.dsl.nn;

import dev.graft.runtime.Key;

/**
 * Factories for 3-d convolutions as {@code torch.nn.Conv3d} makes them: each answers a {@link Conv}
 * with input {@code (N, C, D, H, W)} (or unbatched without {@code N}) and weight
 * {@code (out, in/groups, kD, kH, kW)}, initialized as PyTorch does ({@code kaiming_uniform_(a=√5)}
 * with {@code fanIn = in/groups·prod(kernel)}, a bias {@code U(-1/√fanIn, 1/√fanIn)}).
 *
 * <pre>{@code
 * Conv conv = Conv3d.create(2, 4, 3, key);
 * // weight (4, 2, 3, 3, 3); toString starts "Conv3d("
 * }</pre>
 */
public final class Conv3d {
  private Conv3d() {}

  /** A convolution with one {@code kernel} size on every axis, PyTorch's defaults and init. */
  public static Conv create(int in, int out, int kernel, Key key) {
    return create(in, out, new int[] {kernel}, ConvOptions.defaults(), key);
  }

  /** A convolution with one {@code kernel} size on every axis and the given options. */
  public static Conv create(int in, int out, int kernel, ConvOptions options, Key key) {
    return create(in, out, new int[] {kernel}, options, key);
  }

  /**
   * A convolution from {@code in} to {@code out} channels, {@code kernel} one size for
   * every axis or one per axis, with the options.
   */
  public static Conv create(int in, int out, int[] kernel, ConvOptions options, Key key) {
    return Conv.create(3, in, out, kernel, options, key);
  }
}
