package dev.graft.dsl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import org.junit.jupiter.api.Test;

class DropoutTest {

  @Test
  void identityWithoutAKey() {
    Tensor x = Tensor.arange(10);
    Dropout d = new Dropout(0.5f);
    assertSame(x, d.apply(x));
    assertSame(x, d.apply(x, null));
    assertSame(x, new Dropout(0f).apply(x, Key.of(1)));
    assertEquals(0, Fixtures.parameterCount(d));
  }

  @Test
  void withAKeyZeroesAboutRateAndPreservesTheMean() {
    int n = 20_000;
    float rate = 0.3f;
    Tensor y = new Dropout(rate).apply(Tensor.ones(n), Key.of(42));
    int zeros = 0;
    for (float v : y.toArray()) {
      if (v == 0f) {
        zeros++;
      } else {
        assertEquals(1f / 0.7f, v, 1e-6f);
      }
    }
    assertEquals(rate, zeros / (double) n, 0.02);
    assertEquals(1.0, Fixtures.mean(y), 0.03);
  }

  @Test
  void sameKeySameMaskOtherKeyOtherMask() {
    Dropout d = new Dropout(0.5f);
    Tensor x = Tensor.ones(64);
    assertEquals(d.apply(x, Key.of(3)), d.apply(x, Key.of(3)));
    assertNotEquals(d.apply(x, Key.of(3)), d.apply(x, Key.of(4)));
  }

  @Test
  void rateMustBeInZeroOne() {
    assertEquals("Dropout: rate must be in [0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1f)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Dropout(-0.1f));
    assertThrows(IllegalArgumentException.class, () -> new Dropout(Float.NaN));
  }
}
