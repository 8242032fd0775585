package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void sizeAndStrides() {
    assertEquals(1, Shapes.size(new int[0]));
    assertEquals(0, Shapes.size(new int[] {3, 0, 2}));
    assertEquals(24, Shapes.size(new int[] {2, 3, 4}));
    assertArrayEquals(new int[] {12, 4, 1}, Shapes.strides(new int[] {2, 3, 4}));
    assertArrayEquals(new int[0], Shapes.strides(new int[0]));
    assertEquals("negative dimension in shape (2, -1)",
        assertThrows(IllegalArgumentException.class, () -> Shapes.size(new int[] {2, -1}))
            .getMessage());
    assertEquals("shape (65536, 65536) has more than 2^31-1 elements",
        assertThrows(IllegalArgumentException.class,
            () -> Shapes.size(new int[] {65536, 65536})).getMessage());
  }

  @Test
  void broadcastsTo() {
    assertTrue(Shapes.broadcastsTo(new int[] {3, 1}, new int[] {2, 3, 4}));
    assertTrue(Shapes.broadcastsTo(new int[0], new int[] {2}));
    assertFalse(Shapes.broadcastsTo(new int[] {3, 2}, new int[] {3, 4}));
    assertFalse(Shapes.broadcastsTo(new int[] {1, 1, 1}, new int[] {1, 1}));
  }

  @Test
  void axesResolveSortAndRejectRepeats() {
    assertEquals(2, Shapes.axis("op", -1, 3));
    assertArrayEquals(new int[] {0, 1, 2}, Shapes.axes("op", new int[0], 3));
    assertArrayEquals(new int[] {0, 2}, Shapes.axes("op", new int[] {-1, 0}, 3));
    assertEquals("op: axis 0 given twice in [0, -3]",
        assertThrows(IllegalArgumentException.class,
            () -> Shapes.axes("op", new int[] {0, -3}, 3)).getMessage());
    assertEquals("op: axis -4 out of range for a tensor with 3 dims",
        assertThrows(IllegalArgumentException.class, () -> Shapes.axis("op", -4, 3))
            .getMessage());
  }

  @Test
  void reducedShapes() {
    assertArrayEquals(new int[] {3}, Shapes.reduced(new int[] {2, 3, 4}, new int[] {0, 2}, false));
    assertArrayEquals(new int[] {1, 3, 1},
        Shapes.reduced(new int[] {2, 3, 4}, new int[] {0, 2}, true));
    assertArrayEquals(new int[0], Shapes.reduced(new int[] {2, 3}, new int[] {0, 1}, false));
  }
}
