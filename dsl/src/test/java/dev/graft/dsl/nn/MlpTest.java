package dev.graft.dsl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class MlpTest {

  @Test
  void activationBetweenLayersButNotAfterTheLast() {
    Linear first = new Linear(Tensor.of(new float[] {1, -1}, 2, 1), null); // x -> (x, -x)
    Linear second = new Linear(Tensor.of(new float[] {1, 1, -1, -1}, 2, 2), null); // sums
    Mlp mlp = new Mlp(List.of(first, second), Activation.RELU);
    // x = -2: relu(-2, 2) = (0, 2) -> (2, -2): the last output stays negative
    assertEquals(Tensor.of(new float[] {2, -2}, 1, 2),
        mlp.apply(Tensor.of(new float[] {-2}, 1, 1)));
    Mlp linear = new Mlp(List.of(first, second), Activation.IDENTITY);
    assertEquals(Tensor.of(new float[] {0, 0}, 1, 2),
        linear.apply(Tensor.of(new float[] {-2}, 1, 1)));
  }

  @Test
  void createBuildsPyTorchLinearsOfTheGivenWidths() {
    Mlp mlp = Mlp.create(new int[] {10, 20, 5}, Activation.GELU, Key.of(4));
    assertEquals(2, mlp.layers().size());
    Linear l0 = assertInstanceOf(Linear.class, mlp.layers().get(0));
    Linear l1 = assertInstanceOf(Linear.class, mlp.layers().get(1));
    assertArrayEquals(new int[] {20, 10}, l0.weight().shape());
    assertArrayEquals(new int[] {5, 20}, l1.weight().shape());
    assertTrue(Fixtures.maxAbs(l1.weight()) <= (float) (1 / Math.sqrt(20)));
    assertEquals(325, Fixtures.parameterCount(mlp)); // 10*20+20 + 20*5+5
    assertArrayEquals(new int[] {3, 5}, mlp.apply(Tensor.zeros(3, 10)).shape());
  }

  @Test
  void passesSplitKeysToItsLayers() {
    Linear id = new Linear(Tensor.of(new float[] {1}, 1, 1), null);
    Dropout d = new Dropout(0.5f);
    Mlp mlp = new Mlp(List.<Layer>of(id, d), Activation.IDENTITY);
    Tensor x = Tensor.ones(128, 1);
    Key key = Key.of(6);
    assertEquals(d.apply(x, key.split(2)[1]), mlp.apply(x, key));
    assertEquals(x, mlp.apply(x));
  }

  @Test
  void checksNameTheProblem() {
    assertEquals("Mlp: widths [4] need at least an input and an output width",
        assertThrows(IllegalArgumentException.class,
            () -> Mlp.create(new int[] {4}, Activation.RELU, Key.of(0))).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Mlp(List.of(), Activation.RELU));
  }
}
