package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A shape whose element count passes 2^31-1 is refused wherever a shape is made, with the shape in
 * the message, however far past: {@code 65536^4 = 2^64} used to wrap around to a size of 0.
 */
class ShapeOverflowTest {
  private static final int B = 65536;

  private static void refused(String shape, Runnable r) {
    var e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(shape) && e.getMessage().contains("2^31-1"),
        e.getMessage());
  }

  @Test
  void factoriesRefuseSizesThatWrapAround() {
    refused("(65536, 65536, 65536, 65536)", () -> Tensor.zeros(B, B, B, B));
    refused("(65536, 65536, 65536, 65536)", () -> Tensor.ones(B, B, B, B));
    refused("(65536, 65536, 65536, 65536)", () -> Tensor.full(2f, B, B, B, B));
    refused("(65536, 65536)", () -> Tensor.zeros(B, B));
    refused("(65536, 65536, 65536, 65536)", () -> Tensor.of(new float[0], B, B, B, B));
    refused("(65536, 65536, 65536, 65536)", () -> Tensor.adopt(new float[0], B, B, B, B));
    refused("(65536, 65536, 65536, 65536)", () -> Random.normal(Key.of(0), B, B, B, B));
  }

  @Test
  void theSizeIsExactUpToTheLimitAndZeroWithAZeroDimension() {
    assertEquals(Integer.MAX_VALUE, Shapes.size(new int[] {Integer.MAX_VALUE}));
    assertEquals(Integer.MAX_VALUE, Shapes.size(new int[] {1, Integer.MAX_VALUE, 1}));
    assertEquals(0, Shapes.size(new int[] {B, B, B, B, 0}));
    assertEquals(0, Tensor.zeros(B, B, 0).size());
    refused("(2, 1073741824)", () -> Shapes.size(new int[] {2, 1 << 30}));
    refused("(2147483647, 2147483647, 2147483647)",
        () -> Shapes.size(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}));
  }

  @Test
  void reshapeRefusesATargetWhoseSizeWrapsAround() {
    refused("(65536, 65536, 65536, 65536)", () -> Tensor.zeros(0).reshape(B, B, B, B));
    var e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(4).reshape(B, B, B, B, -1));
    assertTrue(e.getMessage().contains("reshape"), e.getMessage());
  }

  @Test
  void operationsRefuseResultsPastTheLimit() {
    Tensor col = Tensor.zeros(B, 1);
    Tensor row = Tensor.zeros(1, B);
    refused("(65536, 65536)", () -> col.plus(row));
    refused("(65536, 65536)", () -> col.broadcastTo(B, B));
    refused("(65536, 65536, 65536)", () -> Tensor.zeros(1, 1, 1).broadcastTo(B, B, B));
    var e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.concat(0, Tensor.zeros(1 << 30, 0), Tensor.zeros(1 << 30, 0)));
    assertTrue(e.getMessage().contains("concat") && e.getMessage().contains("2^31-1"),
        e.getMessage());
  }

  @Test
  void takeRefusesAResultPastTheLimit() {
    refused("(65536, 65536)", () -> Tensor.zeros(1, B).take(new int[B]));
  }
}
