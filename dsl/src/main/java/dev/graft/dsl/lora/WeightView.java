package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;
import dev.graft.dsl.nn.GroupedLinear;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A layer seen as a weight matrix {@code W (out, in)}: a {@link Linear}'s weight as it is, a
 * Conv1d/2d/3d kernel {@code (out, in/groups, *k)} as {@code W_f (out, flat_in)} with {@code flat_in
 * = in/groups · prod(k)}, a {@link GroupedLinear} ({@code weight (G, in, out)}) as {@code G}
 * matrices {@code W_g = weight[g]ᵀ (out, in)}. Every zoo adapter builds its change in this shape,
 * runs it through {@link #lowRank} or as a per-output scale, and folds it back with {@link
 * #withMatrix}, so one class serves every kind of layer. On a grouped layer an adapter holds one
 * slice per group in each field (a leading axis of {@code G}, {@link #perMatrix}) and runs each
 * group's rows through the adapter of that group ({@link OfGrouped#group}); the one-matrix
 * methods refuse there.
 */
public sealed interface WeightView permits WeightView.OfLinear, WeightView.OfConv,
    WeightView.OfGrouped {

  /** Whether {@code layer} can be seen as weight matrices: Linear, Conv1d/2d/3d, GroupedLinear. */
  static boolean supports(Layer layer) {
    return !(layer instanceof LoraWrapper)
        && (layer instanceof Linear || layer instanceof ConvLayer
            || layer instanceof GroupedLinear);
  }

  /** The view of {@code layer}; refused, naming the adapter, for a layer of another kind. */
  static WeightView of(String adapter, Layer layer) {
    if (layer instanceof Linear l) {
      return new OfLinear(l);
    }
    if (layer instanceof ConvLayer c && !(layer instanceof LoraWrapper)) {
      return new OfConv(c);
    }
    if (layer instanceof GroupedLinear g) {
      return new OfGrouped(adapter, g);
    }
    throw new IllegalArgumentException(adapter + ": cannot adapt a "
        + layer.getClass().getSimpleName() + "; it takes a Linear, a Conv1d/2d/3d or a"
        + " GroupedLinear layer");
  }

  /** How many matrices the layer holds: 1, or {@code G} for a GroupedLinear. */
  default int groups() {
    return 1;
  }

  /**
   * The shape of one matrix's part of an adapter's field {@code t}: its shape as it is, or for a
   * grouped layer its shape without the leading axis of {@code G}, which is checked here (naming
   * the adapter and the field).
   */
  default int[] perMatrix(String adapter, String field, Tensor t) {
    return t.shape();
  }

  /** The viewed layer. */
  Layer layer();

  /** Rows of the matrix: output features or channels. */
  int out();

  /** Columns of the matrix: input features, or {@code flat_in} for a conv. */
  int in();

  /** The weight as the matrix {@code (out, in)}. */
  Tensor matrix();

  /** A layer of the same type, bias and geometry whose weight is the matrix {@code m}. */
  default Layer withMatrix(Tensor m) {
    return withParams(m, bias());
  }

  /** The layer with {@code delta (out, in)} added to its weight (same type, bias, geometry). */
  default Layer plus(Tensor delta) {
    return withMatrix(matrix().plus(delta));
  }

  /** {@code s·(x Aᵀ) Bᵀ} in the layer's geometry for {@code A (r, in)}, {@code B (out, r)}. */
  Tensor lowRank(Tensor x, Tensor a, Tensor b, double scale);

  /** The layer's bias, if it has one. */
  @Nullable Tensor bias();

  /** A layer of the same type and geometry with the weight matrix {@code m} and this bias. */
  Layer withParams(Tensor m, @Nullable Tensor bias);

  /**
   * The layer's map without its bias, for the weight matrix {@code m (out, in)} in place of its
   * own: {@code x mᵀ}, or the convolution with {@code m} as kernel.
   */
  Tensor unbiased(Tensor x, Tensor m);

  /** The spatial axes after the output channels: 0 for a Linear, 1 to 3 for a conv. */
  default int spatialDims() {
    return 0;
  }

  /** {@code layer (out, in)} for messages, e.g. {@code Linear (4, 6)}. */
  default String describe() {
    return String.format(Locale.ROOT, "%s (%d, %d)", layer().getClass().getSimpleName(), out(),
        in());
  }

  /** A {@link Linear} as its own weight. */
  record OfLinear(Linear layer) implements WeightView {
    @Override
    public int out() {
      return layer.outFeatures();
    }

    @Override
    public int in() {
      return layer.inFeatures();
    }

    @Override
    public Tensor matrix() {
      return layer.weight();
    }

    @Override
    public Tensor lowRank(Tensor x, Tensor a, Tensor b, double scale) {
      return LowRank.delta(x, a, b, scale);
    }

    @Override
    public @Nullable Tensor bias() {
      return layer.bias();
    }

    @Override
    public Layer withParams(Tensor m, @Nullable Tensor bias) {
      return layer.withParams(m, bias);
    }

    @Override
    public Tensor unbiased(Tensor x, Tensor m) {
      return layer.withParams(m, null).apply(x);
    }
  }

  /** A Conv1d/2d/3d kernel seen as {@code W_f (out, flat_in)}. */
  record OfConv(ConvLayer layer) implements WeightView {
    @Override
    public int out() {
      return layer.outChannels();
    }

    @Override
    public int in() {
      return ConvLowRank.flatIn(layer);
    }

    @Override
    public Tensor matrix() {
      return ConvLowRank.flatWeight(layer);
    }

    @Override
    public Tensor lowRank(Tensor x, Tensor a, Tensor b, double scale) {
      return ConvLowRank.delta(layer, x, a, b, scale);
    }

    @Override
    public @Nullable Tensor bias() {
      return layer.bias();
    }

    @Override
    public Layer withParams(Tensor m, @Nullable Tensor bias) {
      return layer.withParams(ConvLowRank.asKernel(layer, m), bias);
    }

    @Override
    public Tensor unbiased(Tensor x, Tensor m) {
      return layer.convolve(x, ConvLowRank.asKernel(layer, m));
    }

    @Override
    public int spatialDims() {
      return layer.spatialDims();
    }
  }

  /**
   * A {@link GroupedLinear} seen as {@code G} matrices {@code W_g = weight[g]ᵀ (out, in)}: {@link
   * #out} and {@link #in} are one group's, {@link #group} is group {@code g} as a Linear. Its rows
   * need their groups, so the one-matrix methods ({@link #matrix}, {@link #lowRank}, {@link
   * #unbiased}, {@link #withParams}) refuse; an adapter on it runs group by group.
   *
   * @param adapter the adapter's name, for messages
   * @param layer the grouped layer
   */
  record OfGrouped(String adapter, GroupedLinear layer) implements WeightView {
    @Override
    public int out() {
      return layer.outFeatures();
    }

    @Override
    public int in() {
      return layer.inFeatures();
    }

    @Override
    public int groups() {
      return layer.numGroups();
    }

    /** Group {@code g} as a Linear: weight {@code weight[g]ᵀ (out, in)}, bias {@code bias[g]}. */
    public OfLinear group(int g) {
      return new OfLinear(layer.group(g));
    }

    @Override
    public int[] perMatrix(String adapter, String field, Tensor t) {
      int[] s = t.shape();
      if (s.length == 0 || s[0] != groups()) {
        throw new IllegalArgumentException(adapter + ": " + field + " has shape "
            + Shapes.format(s) + "; on " + describe() + " it needs a leading axis of "
            + groups() + ", one slice per group");
      }
      return Arrays.copyOfRange(s, 1, s.length);
    }

    @Override
    public Tensor matrix() {
      throw perGroup();
    }

    @Override
    public Tensor lowRank(Tensor x, Tensor a, Tensor b, double scale) {
      throw perGroup();
    }

    @Override
    public @Nullable Tensor bias() {
      return layer.bias();
    }

    @Override
    public Layer withParams(Tensor m, @Nullable Tensor bias) {
      throw perGroup();
    }

    @Override
    public Tensor unbiased(Tensor x, Tensor m) {
      throw perGroup();
    }

    /** {@code GroupedLinear G × (out, in)}, e.g. {@code GroupedLinear 4 × (3, 6)}. */
    @Override
    public String describe() {
      return String.format(Locale.ROOT, "GroupedLinear %d × (%d, %d)", groups(), out(), in());
    }

    private UnsupportedOperationException perGroup() {
      return new UnsupportedOperationException(adapter + " on " + describe()
          + ": group indices are required, one per input row; call apply(x, groups)");
    }
  }
}
