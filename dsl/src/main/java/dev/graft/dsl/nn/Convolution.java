package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * What every convolution layer has, plain ({@link ConvLayer}) or transposed
 * ({@link ConvTransposeLayer}): a weight {@code (·, ·, *kernel)} in PyTorch's layout, an optional
 * bias {@code (out,)}, a {@link ConvGeometry}, the forward pass that geometry defines, and a way to
 * rebuild the same layer type with new parameters. The accessors of the geometry's settings and
 * the forward pass are default methods, so the two layer records only hold their parts.
 */
public interface Convolution extends Layer {
  /** The kernel, {@code (·, ·, *kernel)} in the family's layout. */
  Tensor weight();

  /** The {@code (out,)} bias, or {@code null}. */
  @Nullable Tensor bias();

  /** Stride, padding, output padding, dilation (one value per spatial axis) and groups. */
  ConvGeometry geometry();

  /** Stride per spatial axis (a copy). */
  default int[] stride() {
    return geometry().stride();
  }

  /** Padding per spatial axis, as PyTorch's {@code padding} (a copy). */
  default int[] padding() {
    return geometry().padding();
  }

  /** Dilation per spatial axis (a copy). */
  default int[] dilation() {
    return geometry().dilation();
  }

  /** Number of channel groups. */
  default int groups() {
    return geometry().groups();
  }

  /** Number of spatial axes: 1, 2 or 3. */
  default int spatialDims() {
    return weight().ndim() - 2;
  }

  /** Input channels. */
  int inChannels();

  /** Output channels. */
  int outChannels();

  /** The kernel's spatial size. */
  default int[] kernelSize() {
    int[] s = weight().shape();
    return Arrays.copyOfRange(s, 2, s.length);
  }

  /**
   * This layer's convolution (stride, padding, output padding of a transposed one, dilation,
   * groups) applied with another kernel and no bias; {@code x} is {@code (N, C, *spatial)} or
   * unbatched {@code (C, *spatial)}.
   */
  default Tensor convolve(Tensor x, Tensor kernel) {
    return ConvKind.of(this).forward(x, kernel, null, geometry());
  }

  /** The convolution of {@code x} plus the bias. */
  @Override
  default Tensor apply(Tensor x) {
    return ConvKind.of(this).forward(x, weight(), bias(), geometry());
  }

  /** The same layer type and geometry with another weight and bias. */
  Convolution withParams(Tensor weight, @Nullable Tensor bias);

  /** The same layer with another weight and the same bias. */
  default Convolution withWeight(Tensor weight) {
    return withParams(weight, bias());
  }
}
