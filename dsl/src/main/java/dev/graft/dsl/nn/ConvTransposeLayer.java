package dev.graft.dsl.nn;

import dev.graft.dsl.Module;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ConvTranspose1d}, {@link ConvTranspose2d} and {@link ConvTranspose3d} have in
 * common, so adapters can wrap any of them uniformly. The weight has PyTorch's transposed layout
 * {@code (in, out/groups, *kernel)} (unlike {@link ConvLayer}'s {@code (out, in/groups, ...)}),
 * the bias is {@code (out,)}.
 */
public interface ConvTransposeLayer extends Module {
  /** The kernel, {@code (in, out/groups, *kernel)}. */
  Tensor weight();

  /** The {@code (out,)} bias, or {@code null}. */
  @Nullable Tensor bias();

  /** Stride per spatial axis (a copy). */
  int[] stride();

  /** Padding per spatial axis, as PyTorch's {@code padding} (a copy). */
  int[] padding();

  /** Extra output size on one side per spatial axis (a copy). */
  int[] outputPadding();

  /** Dilation per spatial axis (a copy). */
  int[] dilation();

  /** Number of channel groups. */
  int groups();

  /** Number of spatial axes: 1, 2 or 3. */
  int spatialDims();

  /** Input channels: {@code weight.dim(0)}. */
  default int inChannels() {
    return weight().dim(0);
  }

  /** Output channels: {@code weight.dim(1) · groups}. */
  default int outChannels() {
    return weight().dim(1) * groups();
  }

  /** The kernel's spatial size. */
  default int[] kernelSize() {
    int[] s = weight().shape();
    return Arrays.copyOfRange(s, 2, s.length);
  }

  /**
   * This layer's transposed convolution (stride, padding, output padding, dilation, groups)
   * applied with another kernel and no bias; {@code x} is {@code (N, C, *spatial)} or unbatched.
   */
  Tensor convolve(Tensor x, Tensor kernel);

  /** The same layer type and geometry with another weight and bias. */
  ConvTransposeLayer withParams(Tensor weight, @Nullable Tensor bias);

  /** The same layer with another weight and the same bias. */
  default ConvTransposeLayer withWeight(Tensor weight) {
    return withParams(weight, bias());
  }
}
