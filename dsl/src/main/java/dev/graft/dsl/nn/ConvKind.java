package dev.graft.dsl.nn;

import dev.graft.runtime.Init;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a convolution is — plain or transposed, with 1, 2 or 3 spatial axes, named as PyTorch
 * names it ({@code Conv2d}, {@code ConvTranspose1d}, ...) in every message — and the machinery
 * {@link Conv} and {@link ConvTranspose} share: validation, PyTorch's initialization, the forward
 * pass with bias and unbatched inputs, and a readable description. The forward pass
 * ({@link Convolution#apply}) finds a layer's kind with {@link #of}.
 *
 * @param name PyTorch's name for this kind, e.g. {@code Conv2d}
 * @param dims number of spatial axes: 1, 2 or 3
 * @param transposed whether the weight has the transposed layout {@code (in, out/groups, ...)}
 */
record ConvKind(String name, int dims, boolean transposed) {
  private static final String OPTIONS = "ConvOptions";

  /** Builds a layer record from its parts (its canonical constructor). */
  @FunctionalInterface
  interface Maker<L> {
    L make(Tensor weight, @Nullable Tensor bias, ConvGeometry geometry);
  }

  /** A convolution with {@code dims} spatial axes, plain or transposed. */
  static ConvKind of(int dims, boolean transposed) {
    String family = transposed ? "ConvTranspose" : "Conv";
    if (dims < 1 || dims > 3) {
      throw new IllegalArgumentException(family + ": " + dims
          + " spatial dims; a convolution has 1, 2 or 3");
    }
    return new ConvKind(family + dims + "d", dims, transposed);
  }

  /**
   * The kind a weight of this rank makes: {@code (·, ·, *kernel)} with 1 to 3 kernel axes.
   * Refuses a missing weight or one of another rank, naming the layouts it takes.
   */
  static ConvKind ofWeight(@Nullable Tensor w, boolean transposed) {
    String family = transposed ? "ConvTranspose" : "Conv";
    Objects.requireNonNull(w, family + ": weight");
    int dims = w.ndim() - 2;
    if (dims < 1 || dims > 3) {
      String head = transposed ? "(in, out/groups" : "(out, in/groups";
      throw new IllegalArgumentException(family + ": weight shape " + Shapes.format(w.shape())
          + " must have 3, 4 or 5 dims " + head + ", *kernel) for 1, 2 or 3 spatial dims");
    }
    return of(dims, transposed);
  }

  /** The kind of a built (hence valid) layer. */
  static ConvKind of(Convolution layer) {
    return of(layer.spatialDims(), layer instanceof ConvTransposeLayer);
  }

  /**
   * Checks a layer's parts and answers its geometry with one value per axis: the geometry's
   * values, the weight {@code (out, in/groups, *kernel)} (transposed:
   * {@code (in, out/groups, *kernel)}), the {@code (out,)} bias, and the output padding — zero for
   * a plain convolution, below stride or dilation on every axis for a transposed one, as PyTorch
   * requires.
   */
  ConvGeometry check(Tensor w, @Nullable Tensor b, ConvGeometry geometry) {
    ConvGeometry g = Objects.requireNonNull(geometry, name + ": geometry").perAxis(name, dims,
        true);
    if (!transposed) {
      noOutputPadding(g.outputPadding(), g);
    }
    int groups = g.groups();
    checkWeight(w, groups);
    int out = transposed ? w.dim(1) * groups : w.dim(0);
    if (b != null && (b.ndim() != 1 || b.dim(0) != out)) {
      throw new IllegalArgumentException(name + ": bias shape " + Shapes.format(b.shape())
          + " does not match weight " + Shapes.format(w.shape()) + ": expected (" + out + ",)");
    }
    int[] stride = g.stride();
    int[] outputPadding = g.outputPadding();
    int[] dilation = g.dilation();
    for (int i = 0; i < dims; i++) {
      if (outputPadding[i] >= Math.max(stride[i], dilation[i])) {
        throw new IllegalArgumentException(name + ": outputPadding "
            + Arrays.toString(outputPadding) + " must be smaller than stride "
            + Arrays.toString(stride) + " or dilation " + Arrays.toString(dilation)
            + " on every axis");
      }
    }
    return g;
  }

  private String layout() {
    String head = transposed ? "(in, out/groups" : "(out, in/groups";
    return head + (dims == 1 ? ", k)" : dims == 2 ? ", kH, kW)" : ", kD, kH, kW)");
  }

  private void checkWeight(Tensor w, int groups) {
    int[] ws = w.shape();
    if (ws.length != dims + 2) {
      throw new IllegalArgumentException(name + ": weight shape " + Shapes.format(ws)
          + " must have " + (dims + 2) + " dims " + layout());
    }
    if (groups < 1) {
      throw new IllegalArgumentException(name + ": groups must be at least 1, got " + groups);
    }
    for (int i = 0; i < ws.length; i++) {
      if (ws[i] < 1) {
        throw new IllegalArgumentException(name + ": weight shape " + Shapes.format(ws)
            + " has an empty axis " + i + "; expected " + layout());
      }
    }
    if (ws[0] % groups != 0) {
      throw new IllegalArgumentException(name + ": " + (transposed ? "in" : "out")
          + "_channels " + ws[0] + " (weight dim 0 of " + Shapes.format(ws)
          + ") is not divisible by groups " + groups);
    }
  }

  /** Refuses a non-zero output padding for a plain convolution; {@code got} is reported. */
  private void noOutputPadding(int[] outputPadding, Object got) {
    for (int p : outputPadding) {
      if (p != 0) {
        throw new IllegalArgumentException(name + ": outputPadding applies only to transposed "
            + "convolutions, got " + got);
      }
    }
  }

  /**
   * A layer from {@code in} to {@code out} channels with the options, initialized as PyTorch's
   * {@code _ConvNd.reset_parameters}: {@code kaiming_uniform_(a=√5)} on the weight, whose fan-in
   * is {@code weight.size(1)·prod(kernel)} (so {@code in/groups·prod(k)} for a convolution and
   * {@code out/groups·prod(k)} for a transposed one), and a bias {@code U(-1/√fanIn, 1/√fanIn)}.
   */
  <L> L create(int in, int out, int[] kernel, ConvOptions options, Key key, Maker<L> maker) {
    ConvGeometry settings = options.geometry();
    if (!transposed) {
      noOutputPadding(ConvGeometry.axes(OPTIONS, "outputPadding", settings.outputPadding(), dims,
          Integer.MIN_VALUE), options);
    }
    if (in < 1 || out < 1) {
      throw new IllegalArgumentException(name + ": channels must be positive, got in=" + in
          + ", out=" + out);
    }
    int groups = options.groups();
    if (in % groups != 0 || out % groups != 0) {
      throw new IllegalArgumentException(name + ": in_channels " + in + " and out_channels "
          + out + " must both be divisible by groups " + groups);
    }
    int[] k = ConvGeometry.axes(name, "kernel", kernel, dims, 1);
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
    return maker.make(w, b, settings.perAxis(OPTIONS, dims, false));
  }

  /**
   * The (transposed) convolution of {@code x} (batched or not) with {@code kernel} and the
   * geometry, plus {@code bias}.
   */
  Tensor forward(Tensor x, Tensor kernel, @Nullable Tensor bias, ConvGeometry g) {
    int groups = g.groups();
    boolean unbatched = checkInput(x, transposed ? kernel.dim(0) : kernel.dim(1) * groups);
    Tensor xb = unbatched ? x.unsqueeze(0) : x;
    Tensor y = transposed
        ? Tensor.convTranspose(xb, kernel, g.stride(), g.padding(), g.outputPadding(),
            g.dilation(), groups)
        : Tensor.conv(xb, kernel, g.stride(), g.padding(), g.dilation(), groups);
    if (bias != null) {
      int[] s = new int[dims + 1];
      Arrays.fill(s, 1);
      s[0] = bias.dim(0);
      y = y.plus(bias.reshape(s));
    }
    return unbatched ? y.squeeze(0) : y;
  }

  /** Checks rank and channels; answers whether the input is unbatched. */
  private boolean checkInput(Tensor x, int channels) {
    int n = x.ndim();
    if (n != dims + 2 && n != dims + 1) {
      throw new IllegalArgumentException(name + ": input shape " + Shapes.format(x.shape())
          + " must be (N, C, *spatial) or (C, *spatial) with " + dims + " spatial dims");
    }
    int c = x.dim(n - dims - 1);
    if (c != channels) {
      throw new IllegalArgumentException(name + ": input shape " + Shapes.format(x.shape())
          + " has " + c + " channels, expected " + channels);
    }
    return n == dims + 1;
  }

  /** PyTorch-like description, e.g. {@code Conv2d(3, 8, kernel=(3, 3), stride=(1, 1), ...)}. */
  String describe(Convolution layer) {
    ConvGeometry g = layer.geometry();
    return name + "(" + layer.inChannels() + ", " + layer.outChannels() + ", kernel="
        + Shapes.format(layer.kernelSize()) + ", stride=" + Shapes.format(g.stride())
        + ", padding=" + Shapes.format(g.padding())
        + (transposed ? ", outputPadding=" + Shapes.format(g.outputPadding()) : "")
        + ", dilation=" + Shapes.format(g.dilation()) + ", groups=" + g.groups() + ", bias="
        + (layer.bias() != null) + ")";
  }
}
