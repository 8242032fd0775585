package dev.graft.dsl.tree;

import dev.graft.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/** Small modules for the tree tests, independent of the real layers in {@code dsl.nn}. */
final class TestModules {
  private TestModules() {}

  /** A layer with a weight leaf and an optional bias. */
  record Dense(Tensor weight, @Nullable Tensor bias) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return x;
    }
  }

  /** A layer that validates its weight at construction, as real layers do. */
  record Checked(Tensor weight) implements Layer {
    Checked {
      if (weight.ndim() != 2) {
        throw new IllegalArgumentException("Checked: weight must have 2 dims, got "
            + weight.ndim());
      }
    }

    @Override
    public Tensor apply(Tensor x) {
      return x;
    }
  }

  /** A block with a wrappable child, a concretely typed child and static configuration. */
  record Block(Layer fc, Dense norm, int width, String name, float[] scales,
      UnaryOperator<Tensor> act) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return x;
    }
  }

  /** Containers: a list of modules, a map of tensors and a list of tensors. */
  record Seq(List<Layer> layers, Map<String, Tensor> extras, List<Tensor> buffers)
      implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return x;
    }
  }

  /** A list whose elements are declared concretely, so wrapping them is refused. */
  record Stack(List<Dense> layers) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return x;
    }
  }

  /** Nested containers with wildcard types. */
  record Grid(List<List<? extends Layer>> rows, Map<String, List<Tensor>> banks)
      implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return x;
    }
  }

  /** A stand-in for an adapter wrapping a layer. */
  record Wrapped(Layer base, Tensor a) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return base.apply(x);
    }
  }

  /** A record with no children at all (an activation). */
  record Relu() implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return x;
    }
  }

  /** Static-only containers: lists of numbers are configuration, not children. */
  record Config(List<Integer> sizes, Map<String, String> tags, Tensor w) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return x;
    }
  }

  /** A map with integer keys holding modules cannot be part of a tree. */
  record BadKeys(Map<Integer, Layer> byId) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return x;
    }
  }

  /** Children in an unordered or mutable container are refused, not silently frozen. */
  record BadContainers(java.util.Set<Layer> set) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return x;
    }
  }

  /** An array of tensors is refused. */
  record BadArray(Tensor[] leaves) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return x;
    }
  }

  /** A module that is not a record and brings its own children mechanism. */
  static final class Custom implements Layer {
    final Tensor gain;
    final Layer inner;

    Custom(Tensor gain, Layer inner) {
      this.gain = gain;
      this.inner = inner;
    }

    @Override
    public Map<String, Object> children() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("gain", gain);
      m.put("inner", inner);
      return m;
    }

    @Override
    public Layer withChildren(Map<String, ?> children) {
      Object g = children.containsKey("gain") ? children.get("gain") : gain;
      Object i = children.containsKey("inner") ? children.get("inner") : inner;
      return new Custom((Tensor) g, (Layer) i);
    }

    @Override
    public Tensor apply(Tensor x) {
      return inner.apply(x);
    }
  }

  /** A module that is not a record, has fields and does not say what its children are. */
  static final class Opaque implements Layer {
    final Tensor hidden;

    Opaque(Tensor hidden) {
      this.hidden = hidden;
    }

    @Override
    public Tensor apply(Tensor x) {
      return x;
    }
  }

  static Tensor t(float... values) {
    return Tensor.of(values, values.length);
  }

  static Tensor m(int rows, int cols, float start) {
    float[] d = new float[rows * cols];
    for (int i = 0; i < d.length; i++) {
      d[i] = start + i;
    }
    return Tensor.of(d, rows, cols);
  }

  /** A small fixed tree exercising every kind of child. */
  static Seq sample() {
    Dense d0 = new Dense(m(2, 3, 0), t(1, 2));
    Block b1 = new Block(new Dense(m(3, 3, 10), null), new Dense(m(1, 3, 20), t(5)), 3, "b1",
        new float[] {1f, 2f}, UnaryOperator.identity());
    Map<String, Tensor> extras = new LinkedHashMap<>();
    extras.put("zeta", t(9));
    extras.put("alpha", t(8));
    return new Seq(List.of(d0, b1, new Relu()), extras, List.of(t(7), t(6)));
  }
}
