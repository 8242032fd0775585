package dev.graft.dsl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequentialTest {
  private static final Linear DOUBLE = new Linear(Tensor.of(new float[] {2}, 1, 1), null);
  private static final Linear SHIFT =
      new Linear(Tensor.of(new float[] {1}, 1, 1), Tensor.of(new float[] {-3}, 1));

  @Test
  void appliesLayersInOrder() {
    Tensor x = Tensor.of(new float[] {1, 2}, 2, 1);
    // relu(2x - 3)
    assertEquals(Tensor.of(new float[] {0, 1}, 2, 1),
        Sequential.of(DOUBLE, SHIFT, new Relu()).apply(x));
    // 2·relu(x - 3)
    assertEquals(Tensor.of(new float[] {0, 0}, 2, 1),
        Sequential.of(SHIFT, new Relu(), DOUBLE).apply(x));
    assertSame(x, Sequential.of().apply(x, Key.of(0)));
  }

  @Test
  void splitsTheKeyAcrossLayers() {
    Dropout d = new Dropout(0.5f);
    Tensor x = Tensor.ones(256);
    Key key = Key.of(8);
    Key[] keys = key.split(2);
    Tensor expected = d.apply(d.apply(x, keys[0]), keys[1]);
    assertEquals(expected, Sequential.of(d, d).apply(x, key));
    assertNotEquals(d.apply(d.apply(x, key), key), Sequential.of(d, d).apply(x, key));
    assertEquals(x, Sequential.of(d, d).apply(x));
  }

  @Test
  void holdsAnImmutableCopyAndCountsChildParameters() {
    List<Layer> layers = new ArrayList<>(List.of(Linear.create(10, 5, Key.of(0)), new Relu(),
        Linear.create(5, 2, Key.of(1))));
    Sequential s = new Sequential(layers);
    layers.clear();
    assertEquals(3, s.layers().size());
    assertThrows(UnsupportedOperationException.class, () -> s.layers().add(new Relu()));
    assertEquals(67, Fixtures.parameterCount(s)); // 55 + 12
  }
}
