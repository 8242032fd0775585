package dev.graft.dsl.nn;

import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A 1-d transposed convolution (the adjoint of {@link Conv1d} with the same geometry) in
 * PyTorch's layout: input {@code (N, C, L)} (or unbatched without {@code N}), weight
 * {@code (in, out/groups, k)}, bias {@code (out,)} or absent. The integer arrays are
 * static configuration, copied on the way in and out.
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
 * @param stride step per spatial axis (one value is used on every axis)
 * @param padding PyTorch's {@code padding} per spatial axis (one value for every axis)
 * @param outputPadding extra size on one side of the output per axis, below stride or dilation
 * @param dilation spacing between kernel taps per spatial axis (one value for every axis)
 * @param groups number of channel groups
 */
public record ConvTranspose1d(Tensor weight, @Nullable Tensor bias, int[] stride,
    int[] padding, int[] outputPadding, int[] dilation, int groups)
    implements ConvTransposeLayer {
  private static final String NAME = "ConvTranspose1d";
  private static final int DIMS = 1;

  /** Validates shapes and geometry; copies the arrays (a single value fills every axis). */
  public ConvTranspose1d {
    stride = Convs.axes(NAME, "stride", stride, DIMS, 1);
    padding = Convs.axes(NAME, "padding", padding, DIMS, 0);
    outputPadding = Convs.axes(NAME, "outputPadding", outputPadding, DIMS, 0);
    dilation = Convs.axes(NAME, "dilation", dilation, DIMS, 1);
    Convs.checkConvTranspose(NAME, DIMS, weight, bias, groups, stride, outputPadding, dilation);
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
    Convs.Parts p = Convs.init(NAME, DIMS, in, out, kernel, options, true, key);
    return new ConvTranspose1d(p.weight(), p.bias(), options.strideFor(DIMS),
        options.paddingFor(DIMS), options.outputPaddingFor(DIMS), options.dilationFor(DIMS),
        options.groups());
  }

  @Override
  public int[] stride() {
    return stride.clone();
  }

  @Override
  public int[] padding() {
    return padding.clone();
  }

  @Override
  public int[] outputPadding() {
    return outputPadding.clone();
  }

  @Override
  public int[] dilation() {
    return dilation.clone();
  }

  @Override
  public int spatialDims() {
    return DIMS;
  }

  @Override
  public Tensor convolve(Tensor x, Tensor kernel) {
    return Convs.convTranspose(NAME, DIMS, x, kernel, null, stride, padding, outputPadding,
        dilation, groups);
  }

  @Override
  public ConvTranspose1d withParams(Tensor newWeight, @Nullable Tensor newBias) {
    return new ConvTranspose1d(newWeight, newBias, stride, padding, outputPadding, dilation,
        groups);
  }

  @Override
  public ConvTranspose1d withWeight(Tensor newWeight) {
    return withParams(newWeight, bias);
  }

  /** The transposed convolution of {@code x} plus the bias. */
  @Override
  public Tensor apply(Tensor x) {
    return Convs.convTranspose(NAME, DIMS, x, weight, bias, stride, padding, outputPadding,
        dilation, groups);
  }

  private Object[] parts() {
    return new Object[] {weight, bias, stride, padding, outputPadding, dilation, groups};
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ConvTranspose1d c && Arrays.deepEquals(parts(), c.parts());
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(parts());
  }

  @Override
  public String toString() {
    return Convs.describe(NAME, inChannels(), outChannels(), kernelSize(), stride, padding,
        outputPadding, dilation, groups, bias != null);
  }
}
