package dev.graft.dsl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.Tensor;
import org.junit.jupiter.api.Test;

class LayerNormTest {

  @Test
  void normalizesTheLastAxisWithBiasedVarianceThenScalesAndShifts() {
    LayerNorm ln = new LayerNorm(Tensor.of(new float[] {1, 2, 1, 1}, 4),
        Tensor.of(new float[] {0, 0, 1, 0}, 4), 1e-5f);
    // mean 2.5, biased variance 1.25
    float s = (float) Math.sqrt(1.25 + 1e-5);
    Tensor y = ln.apply(Tensor.of(new float[] {1, 2, 3, 4, 5, 5, 5, 5}, 2, 4));
    Tensor expected = Tensor.of(new float[] {-1.5f / s, 2 * -0.5f / s, 0.5f / s + 1, 1.5f / s,
        0, 0, 1, 0}, 2, 4);
    assertTrue(y.allClose(expected, 1e-5, 1e-6), y.toString());
  }

  @Test
  void normalizesOverSeveralTrailingAxes() {
    LayerNorm ln = LayerNorm.create(2, 2);
    Tensor y = ln.apply(Tensor.of(new float[] {1, 2, 3, 4, 0, 0, 0, 8}, 2, 2, 2));
    float s = (float) Math.sqrt(1.25 + 1e-5);
    float t = (float) Math.sqrt(12 + 1e-5); // (0,0,0,8): mean 2, variance (4+4+4+36)/4 = 12
    assertTrue(y.allClose(Tensor.of(new float[] {-1.5f / s, -0.5f / s, 0.5f / s, 1.5f / s,
        -2 / t, -2 / t, -2 / t, 6 / t}, 2, 2, 2), 1e-5, 1e-6), y.toString());
  }

  @Test
  void defaultsAreOnesZerosAndPyTorchsEps() {
    LayerNorm ln = LayerNorm.create(8);
    assertEquals(Tensor.ones(8), ln.weight());
    assertEquals(Tensor.zeros(8), ln.bias());
    assertEquals(1e-5f, ln.eps());
    assertArrayEquals(new int[] {8}, ln.normalizedShape());
    assertEquals(16, Fixtures.parameterCount(ln)); // nn.LayerNorm(8)
    assertEquals(40, Fixtures.parameterCount(LayerNorm.create(4, 5))); // nn.LayerNorm([4, 5])
    assertNull(LayerNorm.create(new int[] {8}, 1e-6f, false).bias()); // bias=False
  }

  @Test
  void checksNameTheProblem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LayerNorm(Tensor.ones(4), Tensor.zeros(3), 1e-5f));
    assertEquals("LayerNorm: bias shape (3,) does not match weight (4,): expected (4,)",
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new LayerNorm(Tensor.ones(4), null, -1f));
    e = assertThrows(IllegalArgumentException.class,
        () -> LayerNorm.create(4).apply(Tensor.zeros(2, 3)));
    assertEquals("LayerNorm: input shape (2, 3) does not end in normalized shape (4,)",
        e.getMessage());
  }
}
