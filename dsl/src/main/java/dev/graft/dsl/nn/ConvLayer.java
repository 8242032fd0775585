package dev.graft.dsl.nn;

import dev.graft.dsl.Module;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Conv1d}, {@link Conv2d} and {@link Conv3d} have in common, so adapters can wrap any
 * of them uniformly: the weight {@code (out, in/groups, *kernel)} in PyTorch's layout, the
 * optional bias {@code (out,)}, the geometry, a way to run that geometry with another weight, and
 * a way to rebuild the same layer type with new parameters.
 */
public interface ConvLayer extends Module {
  /** The kernel, {@code (out, in/groups, *kernel)}. */
  Tensor weight();

  /** The {@code (out,)} bias, or {@code null}. */
  @Nullable Tensor bias();

  /** Stride per spatial axis (a copy). */
  int[] stride();

  /** Zero padding per spatial axis, both sides (a copy). */
  int[] padding();

  /** Dilation per spatial axis (a copy). */
  int[] dilation();

  /** Number of channel groups. */
  int groups();

  /** Number of spatial axes: 1, 2 or 3. */
  int spatialDims();

  /** Input channels: {@code weight.dim(1) · groups}. */
  default int inChannels() {
    return weight().dim(1) * groups();
  }

  /** Output channels: {@code weight.dim(0)}. */
  default int outChannels() {
    return weight().dim(0);
  }

  /** The kernel's spatial size. */
  default int[] kernelSize() {
    int[] s = weight().shape();
    return Arrays.copyOfRange(s, 2, s.length);
  }

  /**
   * This layer's convolution (stride, padding, dilation, groups) applied with another kernel and
   * no bias; {@code x} is {@code (N, C, *spatial)} or unbatched {@code (C, *spatial)}.
   */
  Tensor convolve(Tensor x, Tensor kernel);

  /** The same layer type and geometry with another weight and bias. */
  ConvLayer withParams(Tensor weight, @Nullable Tensor bias);

  /** The same layer with another weight and the same bias. */
  default ConvLayer withWeight(Tensor weight) {
    return withParams(weight, bias());
  }
}
