package dev.graft.dsl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import org.junit.jupiter.api.Test;

class LinearTest {
  // weight (2, 3), bias (2,)
  private static final Linear LAYER = new Linear(
      Tensor.of(new float[] {1, 2, 3, -1, 0, 1}, 2, 3), Tensor.of(new float[] {0.5f, -1}, 2));

  @Test
  void forwardIsXTimesWeightTransposedPlusBias() {
    Tensor x = Tensor.of(new float[] {1, 1, 1, 2, 0, -1}, 2, 3);
    // row 0: (1+2+3)+0.5, (-1+0+1)-1 ; row 1: (2+0-3)+0.5, (-2+0-1)-1
    assertEquals(Tensor.of(new float[] {6.5f, -1f, -0.5f, -4f}, 2, 2), LAYER.apply(x));
  }

  @Test
  void forwardAcceptsAVectorAndLeadingBatchAxes() {
    assertEquals(Tensor.of(new float[] {6.5f, -1f}, 2),
        LAYER.apply(Tensor.of(new float[] {1, 1, 1}, 3)));
    Tensor x = Tensor.of(new float[] {1, 1, 1, 2, 0, -1, 0, 0, 0, 1, 0, 0}, 2, 2, 3);
    Tensor y = LAYER.apply(x);
    assertArrayEquals(new int[] {2, 2, 2}, y.shape());
    assertArrayEquals(new float[] {6.5f, -1f, -0.5f, -4f, 0.5f, -1f, 1.5f, -2f}, y.toArray());
  }

  @Test
  void withoutBiasIsAPureMatmul() {
    Linear noBias = new Linear(LAYER.weight(), null);
    assertEquals(Tensor.of(new float[] {6f, 0f}, 1, 2),
        noBias.apply(Tensor.of(new float[] {1, 1, 1}, 1, 3)));
  }

  @Test
  void featuresAndWithWeight() {
    assertEquals(3, LAYER.inFeatures());
    assertEquals(2, LAYER.outFeatures());
    Tensor w = Tensor.zeros(2, 3);
    Linear zeroed = LAYER.withWeight(w);
    assertSame(w, zeroed.weight());
    assertSame(LAYER.bias(), zeroed.bias());
    assertEquals(Tensor.of(new float[] {0.5f, -1f}, 2),
        zeroed.apply(Tensor.of(new float[] {4, 5, 6}, 3)));
    assertNull(LAYER.withParams(w, null).bias());
  }

  @Test
  void constructorNamesTheMismatch() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Linear(Tensor.zeros(5, 3), Tensor.zeros(7)));
    assertEquals("Linear: bias shape (7,) does not match weight (5, 3): expected (5,)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Linear(Tensor.zeros(5), null));
    assertTrue(e.getMessage().contains("weight shape (5,) must have 2 dims"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> LAYER.apply(Tensor.zeros(4, 2)));
    assertTrue(e.getMessage().startsWith("Linear: input shape (4, 2) does not end in "
        + "in_features 3"), e.getMessage());
  }

  @Test
  void parameterCountMatchesPyTorch() {
    Key key = Key.of(0);
    assertEquals(55, Fixtures.parameterCount(Linear.create(10, 5, key))); // nn.Linear(10, 5)
    assertEquals(50, Fixtures.parameterCount(Linear.create(10, 5, false, key)));
    assertArrayEquals(new int[] {5, 10}, Linear.create(10, 5, key).weight().shape());
  }

  @Test
  void initializerIsUniformWithinOneOverSqrtIn() {
    Linear l = Linear.create(64, 128, Key.of(7));
    float bound = 1f / 8f;
    Tensor w = l.weight();
    Tensor b = l.bias();
    assertTrue(Fixtures.maxAbs(w) <= bound, "weight escapes 1/sqrt(in)");
    assertTrue(Fixtures.maxAbs(w) > 0.95f * bound, "weight does not fill U(-b, b)");
    assertTrue(Math.abs(Fixtures.mean(w)) < 0.05 * bound, "weight mean far from 0");
    // variance of U(-b, b) is b^2 / 3
    double var = Fixtures.mean(w.square());
    assertEquals(bound * bound / 3.0, var, 0.1 * bound * bound / 3.0);
    assertTrue(Fixtures.maxAbs(b) <= bound && Fixtures.maxAbs(b) > 0.8f * bound);
    assertNotEquals(w.get(0).slice(0, 0, 4), b.slice(0, 0, 4), "weight and bias share a key");
  }

  @Test
  void sameKeySameLayerOtherKeyOtherLayer() {
    assertEquals(Linear.create(4, 3, Key.of(1)), Linear.create(4, 3, Key.of(1)));
    assertNotEquals(Linear.create(4, 3, Key.of(1)), Linear.create(4, 3, Key.of(2)));
  }
}
