package dev.graft.dsl.nn;

import dev.graft.runtime.Key;

/**
 * Factories for 2-d convolutions as {@code torch.nn.Conv2d} makes them: each answers a {@link Conv}
 * with input {@code (N, C, H, W)} (or unbatched without {@code N}) and weight
 * {@code (out, in/groups, kH, kW)}, initialized as PyTorch does ({@code kaiming_uniform_(a=√5)}
 * with {@code fanIn = in/groups·prod(kernel)}, a bias {@code U(-1/√fanIn, 1/√fanIn)}).
 *
 * <pre>{@code
 * Conv conv = Conv2d.create(3, 8, 3, key);
 * // weight (8, 3, 3, 3); toString starts "Conv2d("
 * }</pre>
 */
public final class Conv2d {
  private Conv2d() {}

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
    return Conv.create(2, in, out, kernel, options, key);
  }
}
