package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A multi-layer perceptron: its layers applied in order with {@code activation} between them and
 * none after the last. The layers are declared as {@link Layer} so an adapter can take a
 * {@link Linear}'s place.
 *
 * <p>Initialization ({@link #create}): every layer is a {@link Linear} with PyTorch's default
 * initialization, {@code U(-1/√in, 1/√in)} for weight and bias.
 *
 * @param layers the layers in order (an immutable copy), at least one
 * @param activation applied between consecutive layers (static configuration)
 */
public record Mlp(List<Layer> layers, Activation activation) implements Layer {

  /** Copies {@code layers} into an immutable list and checks there is at least one. */
  public Mlp {
    layers = List.copyOf(layers);
    if (layers.isEmpty()) {
      throw new IllegalArgumentException("Mlp: needs at least one layer");
    }
  }

  /**
   * Linear layers of widths {@code in, h1, ..., out} with biases, {@code activation} between
   * them; layer {@code i} is initialized from {@code key.split(n)[i]}.
   */
  public static Mlp create(int[] widths, Activation activation, Key key) {
    if (widths.length < 2) {
      throw new IllegalArgumentException("Mlp: widths " + Arrays.toString(widths)
          + " need at least an input and an output width");
    }
    int n = widths.length - 1;
    Key[] keys = key.split(n);
    List<Layer> layers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      layers.add(Linear.create(widths[i], widths[i + 1], keys[i]));
    }
    return new Mlp(layers, activation);
  }

  /** The layers with the activation between them (inference). */
  @Override
  public Tensor apply(Tensor x) {
    return apply(x, null);
  }

  /** The layers with the activation between them; with a key, layer {@code i} gets split key i. */
  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    Key @Nullable [] keys = key == null ? null : key.split(layers.size());
    Tensor y = x;
    for (int i = 0; i < layers.size(); i++) {
      if (i > 0) {
        y = activation.apply(y);
      }
      y = layers.get(i).apply(y, keys == null ? null : keys[i]);
    }
    return y;
  }
}
