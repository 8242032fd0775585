package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

/** The no-copy accessors: a read-only view of the data, and the first non-finite value. */
class TensorViewTest {
  @Test
  void theBufferIsAReadOnlyViewInRowMajorOrder() {
    Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    FloatBuffer b = t.buffer();
    assertTrue(b.isReadOnly());
    assertEquals(6, b.remaining());
    float[] out = new float[6];
    b.get(out);
    assertEquals(Tensor.of(out, 2, 3), t);
    assertThrows(ReadOnlyBufferException.class, () -> t.buffer().put(0, 9f));
    assertEquals(1f, t.value(0, 0));
    FloatBuffer c = t.buffer();
    c.position(4);
    assertEquals(0, t.buffer().position(), "each call is a fresh view");
  }

  @Test
  void firstNonFiniteFindsNanAndBothInfinities() {
    assertEquals(-1, Tensor.of(new float[] {1, -2, Float.MAX_VALUE}, 3).firstNonFinite());
    assertEquals(-1, Tensor.zeros(0).firstNonFinite());
    assertEquals(2, Tensor.of(new float[] {1, 2, Float.NaN, Float.POSITIVE_INFINITY}, 4)
        .firstNonFinite());
    assertEquals(0, Tensor.of(new float[] {Float.NEGATIVE_INFINITY, 1}, 2).firstNonFinite());
  }
}
