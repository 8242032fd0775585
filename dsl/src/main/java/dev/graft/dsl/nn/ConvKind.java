package dev.graft.dsl.nn;

import dev.graft.runtime.Init;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The shared machinery of the six convolution records: validation with the layer's name in every
 * message, PyTorch's initialization, the forward pass with bias and unbatched inputs, and a
 * readable description.
 */
final class Convs {
  private Convs() {}

  /** A freshly initialized weight and optional bias. */
  record Parts(Tensor weight, @Nullable Tensor bias) {}

  /** One value for every axis, or exactly one per axis; a copy either way. */
  static int[] expand(String layer, String what, int[] values, int dims) {
    if (values.length == 1) {
      int[] out = new int[dims];
      Arrays.fill(out, values[0]);
      return out;
    }
    if (values.length != dims) {
      throw new IllegalArgumentException(layer + ": " + what + " " + Arrays.toString(values)
          + " has " + values.length + " values for " + dims + " spatial dims");
    }
    return values.clone();
  }

  /** {@link #expand} and checks every value is at least {@code min}. */
  static int[] axes(String layer, String what, int[] values, int dims, int min) {
    int[] v = expand(layer, what, values, dims);
    for (int x : v) {
      if (x < min) {
        throw new IllegalArgumentException(layer + ": " + what + " " + Arrays.toString(v)
            + " must be at least " + min + " on every axis");
      }
    }
    return v;
  }

  private static String layout(int dims, boolean transposed) {
    String head = transposed ? "(in, out/groups" : "(out, in/groups";
    return head + (dims == 1 ? ", k)" : dims == 2 ? ", kH, kW)" : ", kD, kH, kW)");
  }

  private static void checkWeight(String layer, int dims, Tensor w, int groups,
      boolean transposed) {
    int[] ws = w.shape();
    if (ws.length != dims + 2) {
      throw new IllegalArgumentException(layer + ": weight shape " + Shapes.format(ws)
          + " must have " + (dims + 2) + " dims " + layout(dims, transposed));
    }
    if (groups < 1) {
      throw new IllegalArgumentException(layer + ": groups must be at least 1, got " + groups);
    }
    for (int i = 0; i < ws.length; i++) {
      if (ws[i] < 1) {
        throw new IllegalArgumentException(layer + ": weight shape " + Shapes.format(ws)
            + " has an empty axis " + i + "; expected " + layout(dims, transposed));
      }
    }
    if (ws[0] % groups != 0) {
      throw new IllegalArgumentException(layer + ": " + (transposed ? "in" : "out")
          + "_channels " + ws[0] + " (weight dim 0 of " + Shapes.format(ws)
          + ") is not divisible by groups " + groups);
    }
  }

  private static void checkBias(String layer, Tensor w, @Nullable Tensor b, int out) {
    if (b != null && (b.ndim() != 1 || b.dim(0) != out)) {
      throw new IllegalArgumentException(layer + ": bias shape " + Shapes.format(b.shape())
          + " does not match weight " + Shapes.format(w.shape()) + ": expected (" + out + ",)");
    }
  }

  /** Checks a convolution's {@code (out, in/groups, *kernel)} weight and {@code (out,)} bias. */
  static void checkConv(String layer, int dims, Tensor w, @Nullable Tensor b, int groups) {
    checkWeight(layer, dims, w, groups, false);
    checkBias(layer, w, b, w.dim(0));
  }

  /**
   * Checks a transposed convolution's {@code (in, out/groups, *kernel)} weight, its
   * {@code (out,)} bias and that output padding is below stride or dilation, as PyTorch does.
   */
  static void checkConvTranspose(String layer, int dims, Tensor w, @Nullable Tensor b,
      int groups, int[] stride, int[] outputPadding, int[] dilation) {
    checkWeight(layer, dims, w, groups, true);
    checkBias(layer, w, b, w.dim(1) * groups);
    for (int i = 0; i < dims; i++) {
      if (outputPadding[i] >= Math.max(stride[i], dilation[i])) {
        throw new IllegalArgumentException(layer + ": outputPadding "
            + Arrays.toString(outputPadding) + " must be smaller than stride "
            + Arrays.toString(stride) + " or dilation " + Arrays.toString(dilation)
            + " on every axis");
      }
    }
  }

  /**
   * PyTorch's {@code _ConvNd.reset_parameters}: {@code kaiming_uniform_(a=√5)} on the weight,
   * whose fan-in is {@code weight.size(1)·prod(kernel)} (so {@code in/groups·prod(k)} for a
   * convolution and {@code out/groups·prod(k)} for a transposed one), and a bias
   * {@code U(-1/√fanIn, 1/√fanIn)}.
   */
  static Parts init(String layer, int dims, int in, int out, int[] kernel, ConvOptions options,
      boolean transposed, Key key) {
    if (in < 1 || out < 1) {
      throw new IllegalArgumentException(layer + ": channels must be positive, got in=" + in
          + ", out=" + out);
    }
    int groups = options.groups();
    if (in % groups != 0 || out % groups != 0) {
      throw new IllegalArgumentException(layer + ": in_channels " + in + " and out_channels "
          + out + " must both be divisible by groups " + groups);
    }
    int[] k = axes(layer, "kernel", kernel, dims, 1);
    int[] shape = new int[dims + 2];
    shape[0] = transposed ? in : out;
    shape[1] = transposed ? out / groups : in / groups;
    System.arraycopy(k, 0, shape, 2, dims);
    int fanIn = shape[1];
    for (int x : k) {
      fanIn *= x;
    }
    Key[] keys = key.split(2);
    Tensor w = Init.kaimingUniform(keys[0], Math.sqrt(5.0), fanIn, shape);
    Tensor b = options.hasBias()
        ? Init.uniform(keys[1], (float) (1.0 / Math.sqrt(fanIn)), out) : null;
    return new Parts(w, b);
  }

  /** Refuses a non-zero output padding for a plain convolution. */
  static void noOutputPadding(String layer, ConvOptions options, int dims) {
    for (int p : options.outputPaddingFor(dims)) {
      if (p != 0) {
        throw new IllegalArgumentException(layer + ": outputPadding applies only to transposed "
            + "convolutions, got " + options);
      }
    }
  }

  /** The convolution of {@code x} (batched or not) with {@code kernel}, plus {@code bias}. */
  static Tensor conv(String layer, int dims, Tensor x, Tensor kernel, @Nullable Tensor bias,
      int[] stride, int[] padding, int[] dilation, int groups) {
    boolean unbatched = checkInput(layer, dims, x, kernel.dim(1) * groups);
    Tensor xb = unbatched ? x.unsqueeze(0) : x;
    Tensor y = Tensor.conv(xb, kernel, stride, padding, dilation, groups);
    return finish(y, bias, dims, unbatched);
  }

  /** The transposed convolution of {@code x} (batched or not) with {@code kernel}, plus bias. */
  static Tensor convTranspose(String layer, int dims, Tensor x, Tensor kernel,
      @Nullable Tensor bias, int[] stride, int[] padding, int[] outputPadding, int[] dilation,
      int groups) {
    boolean unbatched = checkInput(layer, dims, x, kernel.dim(0));
    Tensor xb = unbatched ? x.unsqueeze(0) : x;
    Tensor y = Tensor.convTranspose(xb, kernel, stride, padding, outputPadding, dilation, groups);
    return finish(y, bias, dims, unbatched);
  }

  /** Checks rank and channels; answers whether the input is unbatched. */
  private static boolean checkInput(String layer, int dims, Tensor x, int channels) {
    int n = x.ndim();
    if (n != dims + 2 && n != dims + 1) {
      throw new IllegalArgumentException(layer + ": input shape " + Shapes.format(x.shape())
          + " must be (N, C, *spatial) or (C, *spatial) with " + dims + " spatial dims");
    }
    int c = x.dim(n - dims - 1);
    if (c != channels) {
      throw new IllegalArgumentException(layer + ": input shape " + Shapes.format(x.shape())
          + " has " + c + " channels, expected " + channels);
    }
    return n == dims + 1;
  }

  private static Tensor finish(Tensor y, @Nullable Tensor bias, int dims, boolean unbatched) {
    Tensor out = y;
    if (bias != null) {
      int[] s = new int[dims + 1];
      Arrays.fill(s, 1);
      s[0] = bias.dim(0);
      out = out.plus(bias.reshape(s));
    }
    return unbatched ? out.squeeze(0) : out;
  }

  /** PyTorch-like description, e.g. {@code Conv2d(3, 8, kernel=(3, 3), stride=(1, 1), ...)}. */
  static String describe(String layer, int in, int out, int[] kernel, int[] stride,
      int[] padding, int @Nullable [] outputPadding, int[] dilation, int groups, boolean bias) {
    return layer + "(" + in + ", " + out + ", kernel=" + Shapes.format(kernel) + ", stride="
        + Shapes.format(stride) + ", padding=" + Shapes.format(padding)
        + (outputPadding == null ? "" : ", outputPadding=" + Shapes.format(outputPadding))
        + ", dilation=" + Shapes.format(dilation) + ", groups=" + groups + ", bias=" + bias
        + ")";
  }
}
