package dev.graft.dsl.nn;

import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * A transposed convolution as adapters see it ({@link ConvTranspose} with 1, 2 or 3 spatial
 * axes). The weight has PyTorch's transposed layout {@code (in, out/groups, *kernel)} (unlike
 * {@link ConvLayer}'s {@code (out, in/groups, ...)}), the bias is {@code (out,)}.
 */
public interface ConvTransposeLayer extends Convolution {
  /** Extra output size on one side per spatial axis (a copy). */
  default int[] outputPadding() {
    return geometry().outputPadding();
  }

  /** Input channels: {@code weight.dim(0)}. */
  @Override
  default int inChannels() {
    return weight().dim(0);
  }

  /** Output channels: {@code weight.dim(1) · groups}. */
  @Override
  default int outChannels() {
    return weight().dim(1) * groups();
  }

  @Override
  ConvTransposeLayer withParams(Tensor weight, @Nullable Tensor bias);

  @Override
  default ConvTransposeLayer withWeight(Tensor weight) {
    return withParams(weight, bias());
  }
}
