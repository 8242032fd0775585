package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Layers applied one after another. The children are declared as {@link Layer} so any of them
 * can be replaced (for example by an adapter wrapping it). No parameters of its own.
 *
 * @param layers the layers in order (an immutable copy)
 */
public record Sequential(List<Layer> layers) implements Layer {

  /** Copies {@code layers} into an immutable list; {@code null} elements are refused. */
  public Sequential {
    layers = List.copyOf(layers);
  }

  /** The given layers in order. */
  public static Sequential of(Layer... layers) {
    return new Sequential(List.of(layers));
  }

  /** Applies every layer in order (inference). */
  @Override
  public Tensor apply(Tensor x) {
    Tensor y = x;
    for (int i = 0; i < layers.size(); i++) {
      Layer m = layers.get(i);
      if (m instanceof Linear l && i + 1 < layers.size() && layers.get(i + 1) instanceof Relu) {
        y = l.applyRelu(y); // the same values, bias and rectifier in one pass when eager
        i++;
      } else {
        y = m.apply(y);
      }
    }
    return y;
  }

  /** Applies every layer in order; with a key, layer {@code i} gets {@code key.split(n)[i]}. */
  @Override
  public Tensor apply(Tensor x, @Nullable Key key) {
    if (key == null || layers.isEmpty()) {
      return apply(x);
    }
    Key[] keys = key.split(layers.size());
    Tensor y = x;
    for (int i = 0; i < keys.length; i++) {
      y = layers.get(i).apply(y, keys[i]);
    }
    return y;
  }
}
