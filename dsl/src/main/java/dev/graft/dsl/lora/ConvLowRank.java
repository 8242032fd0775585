package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;

/**
 * Conv adapters see a kernel {@code (out, in/groups, *k)} as the matrix {@code W_f (out, flat_in)}.
 * This class runs low-rank factors of that matrix as convolutions without forming {@code B A}:
 * {@code A (r, flat_in)} as a convolution with {@code r} output channels per group and the base's
 * kernel, stride, padding and dilation; {@code B (out, r)} as a grouped 1×1 convolution.
 */
final class ConvLowRank {
  private ConvLowRank() {}

  /** {@code flat_in = in/groups · prod(kernel)} of a conv layer. */
  public static int flatIn(ConvLayer layer) {
    int[] s = layer.weight().shape();
    return Shapes.size(Arrays.copyOfRange(s, 1, s.length));
  }

  /** The layer's kernel viewed as {@code W_f (out, flat_in)}. */
  public static Tensor flatWeight(ConvLayer layer) {
    return layer.weight().reshape(layer.outChannels(), flatIn(layer));
  }

  /** A {@code (out, flat_in)} matrix reshaped back to the layer's kernel shape. */
  public static Tensor asKernel(ConvLayer layer, Tensor flat) {
    return flat.reshape(layer.weight().shape());
  }

  /**
   * {@code A (r, flat_in)} applied to {@code x} with the layer's geometry: the result has {@code
   * groups·r} channels, group {@code j}'s block being {@code A} applied to input group {@code j}.
   */
  public static Tensor down(ConvLayer layer, Tensor x, Tensor a) {
    int r = a.dim(0);
    int[] ws = layer.weight().shape();
    int[] ks = ws.clone();
    ks[0] = r;
    Tensor kernel = a.reshape(ks);
    int g = layer.groups();
    if (g > 1) {
      Tensor[] tiles = new Tensor[g];
      Arrays.fill(tiles, kernel);
      kernel = Tensor.concat(0, tiles);
    }
    return layer.convolve(x, kernel);
  }

  /**
   * {@code B (out, r)} as a grouped pointwise map of {@code z (..., groups·r, *spatial)} to
   * {@code (..., out, *spatial)}; {@code batched} says whether {@code z} has a leading batch axis.
   */
  public static Tensor up(Tensor z, Tensor b, int groups, int spatialDims) {
    int[] zs = z.shape();
    int chAxis = zs.length - spatialDims - 1;
    int r = b.dim(1);
    int out = b.dim(0);
    int[] lead = Arrays.copyOf(zs, chAxis);
    int[] spatial = Arrays.copyOfRange(zs, chAxis + 1, zs.length);
    int l = Shapes.size(spatial);
    int[] zShape = Arrays.copyOf(lead, lead.length + 3);
    zShape[lead.length] = groups;
    zShape[lead.length + 1] = r;
    zShape[lead.length + 2] = l;
    Tensor bg = b.reshape(groups, out / groups, r);
    Tensor y = bg.matmul(z.reshape(zShape)); // (..., g, out/g, L)
    int[] yShape = new int[lead.length + 1 + spatial.length];
    System.arraycopy(lead, 0, yShape, 0, lead.length);
    yShape[lead.length] = out;
    System.arraycopy(spatial, 0, yShape, lead.length + 1, spatial.length);
    return y.reshape(yShape);
  }

  /** {@code s·up(down(x))}: the factored LoRA delta of a conv layer. */
  public static Tensor delta(ConvLayer layer, Tensor x, Tensor a, Tensor b, double scale) {
    Tensor y = up(down(layer, x, a), b, layer.groups(), layer.spatialDims());
    return scale == 1.0 ? y : y.times((float) scale);
  }
}
