package dev.graft.dsl.nn;

import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * A plain convolution as adapters see it ({@link Conv} with 1, 2 or 3 spatial axes): the weight
 * {@code (out, in/groups, *kernel)} in PyTorch's layout, the optional bias {@code (out,)}, the
 * geometry (no output padding), a way to run that geometry with another weight, and a way to
 * rebuild the same layer type with new parameters.
 */
public interface ConvLayer extends Convolution {
  /** Input channels: {@code weight.dim(1) · groups}. */
  @Override
  default int inChannels() {
    return weight().dim(1) * groups();
  }

  /** Output channels: {@code weight.dim(0)}. */
  @Override
  default int outChannels() {
    return weight().dim(0);
  }

  @Override
  ConvLayer withParams(Tensor weight, @Nullable Tensor bias);

  @Override
  default ConvLayer withWeight(Tensor weight) {
    return withParams(weight, bias());
  }
}
