package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ShapesTest {
  @Test
  void broadcastFollowsNumpy() {
    assertArrayEquals(new int[] {4, 3, 5}, Shapes.broadcast("t", new int[] {3, 1}, new int[] {4, 1, 5}));
    assertArrayEquals(new int[] {2}, Shapes.broadcast("t", new int[] {}, new int[] {2}));
  }

  @Test
  void broadcastErrorNamesOpAndShapes() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Shapes.broadcast("plus", new int[] {2, 3}, new int[] {4}));
    assertEquals("plus: (2, 3) and (4,): cannot broadcast, dim 1 is 3 vs 4", e.getMessage());
  }

  @Test
  void formatsLikePytorch() {
    assertEquals("()", Shapes.format(new int[0]));
    assertEquals("(5,)", Shapes.format(new int[] {5}));
    assertEquals("(32, 10)", Shapes.format(new int[] {32, 10}));
  }
}
