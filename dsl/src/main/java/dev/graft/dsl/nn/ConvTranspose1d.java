package dev.graft.dsl.nn;

import dev.graft.runtime.Key;

/**
 * Factories for 1-d transposed convolutions as {@code torch.nn.ConvTranspose1d} makes them: each
 * answers a {@link ConvTranspose} with input {@code (N, C, L)} (or unbatched without {@code N}) and
 * weight {@code (in, out/groups, k)}, initialized as PyTorch does ({@code kaiming_uniform_(a=√5)}
 * with {@code fanIn = out/groups·prod(kernel)}, a bias {@code U(-1/√fanIn, 1/√fanIn)}).
 *
 * <pre>{@code
 * ConvTranspose up = ConvTranspose1d.create(8, 4, 4,
 *     ConvOptions.defaults().stride(2).padding(1), key);
 * // weight (8, 4, 4); toString starts "ConvTranspose1d("
 * }</pre>
 */
public final class ConvTranspose1d {
  private ConvTranspose1d() {}

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
    return ConvTranspose.create(1, in, out, kernel, options, key);
  }
}
