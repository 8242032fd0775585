package dev.graft.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract of {@link Grad}: values, gradient order and shapes, and the edge cases. */
class GradTest {
  private final Tensor x = Tensor.of(new float[] {1, -2, 3, 0.5f, 4, -1}, 2, 3);

  @Test
  void valueAndGradOfSumOfSquaresIsTwoX() {
    ValueAndGrad vg = Grad.valueAndGrad(p -> p.get(0).square().sum(), List.of(x));
    assertEquals(1 + 4 + 9 + 0.25f + 16 + 1, vg.value().item(), 1e-5f);
    assertArrayEquals(x.times(2f).toArray(), vg.grads().get(0).toArray(), 0f);
    assertEquals(List.of(vg.grads().get(0)), Grad.grad(p -> p.get(0).square().sum(), List.of(x)));
  }

  @Test
  void gradsComeInOrderWithTheirTensorsShapes() {
    Tensor a = Tensor.of(new float[] {1, 2, 3}, 3);
    Tensor b = Tensor.of(new float[] {4, 5, 6, 7, 8, 9}, 2, 3);
    Tensor c = Tensor.scalar(2f);
    ValueAndGrad vg = Grad.valueAndGrad(p -> p.get(1).times(p.get(0)).times(p.get(2)).sum(),
        List.of(a, b, c));
    assertArrayEquals(new int[] {3}, vg.grads().get(0).shape());
    assertArrayEquals(new int[] {2, 3}, vg.grads().get(1).shape());
    assertArrayEquals(new int[] {}, vg.grads().get(2).shape());
    // d/da = c · sum over rows of b; d/db = c · a broadcast; d/dc = sum(a·b)
    assertArrayEquals(new float[] {22, 26, 30}, vg.grads().get(0).toArray(), 0f);
    assertArrayEquals(new float[] {2, 4, 6, 2, 4, 6}, vg.grads().get(1).toArray(), 0f);
    assertEquals(4 + 10 + 18 + 7 + 16 + 27, vg.grads().get(2).item(), 0f);
  }

  @Test
  void unusedTensorsGetZerosOfTheirShape() {
    Tensor unused = Tensor.ones(4, 1);
    ValueAndGrad vg = Grad.valueAndGrad(p -> p.get(0).sum(), List.of(x, unused));
    assertEquals(Tensor.zeros(4, 1), vg.grads().get(1));
    List<Tensor> none = Grad.grad(p -> Tensor.scalar(3f), List.of(x));
    assertEquals(Tensor.zeros(2, 3), none.get(0));
  }

  @Test
  void aTensorListedTwiceGetsItsFullGradientAtBothPositions() {
    List<Tensor> g = Grad.grad(p -> p.get(0).times(p.get(1)).sum(), List.of(x, x));
    assertArrayEquals(x.times(2f).toArray(), g.get(0).toArray(), 0f);
    assertArrayEquals(x.times(2f).toArray(), g.get(1).toArray(), 0f);
  }

  @Test
  void aTensorUsedManyTimesAccumulates() {
    Tensor g = Grad.grad(p -> p.get(0).plus(p.get(0)).times(p.get(0)).plus(p.get(0)).sum(),
        List.of(x)).get(0);
    assertArrayEquals(x.times(4f).plus(1f).toArray(), g.toArray(), 1e-6f);
  }

  @Test
  void aTensorReturnedDirectlyHasGradientOne() {
    Tensor s = Tensor.scalar(5f);
    ValueAndGrad vg = Grad.valueAndGrad(p -> p.get(0), List.of(s));
    assertSame(s, vg.value());
    assertEquals(Tensor.scalar(1f), vg.grads().get(0));
    Tensor one = Tensor.of(new float[] {7}, 1, 1);
    assertEquals(Tensor.ones(1, 1), Grad.grad(p -> p.get(0), List.of(one)).get(0));
  }

  @Test
  void aNonScalarResultIsAnErrorNamingItsShape() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Grad.valueAndGrad(p -> p.get(0).exp(), List.of(x)));
    assertTrue(e.getMessage().contains("(2, 3)"), e.getMessage());
  }

  @Test
  void stopGradientCutsTheTape() {
    Tensor g = Grad.grad(p -> p.get(0).times(p.get(0).stopGradient()).sum(), List.of(x)).get(0);
    assertArrayEquals(x.toArray(), g.toArray(), 0f);
    Tensor none = Grad.grad(p -> p.get(0).stopGradient().exp().sum(), List.of(x)).get(0);
    assertEquals(Tensor.zeros(2, 3), none);
  }

  @Test
  void comparisonsAreConstants() {
    // |x| written with where and greater: the condition carries no gradient.
    Tensor g = Grad.grad(p -> Tensor.where(p.get(0).greater(0f), p.get(0), p.get(0).unaryMinus())
        .sum(), List.of(x)).get(0);
    assertArrayEquals(x.sign().toArray(), g.toArray(), 0f);
  }

  @Test
  void vjpReturnsTheOutputAndAReusablePullback() {
    Vjp vjp = Grad.vjp(p -> p.get(0).times(3f).plus(p.get(1)), List.of(x, Tensor.scalar(1f)));
    assertEquals(x.times(3f).plus(1f), vjp.output());
    Tensor c = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    List<Tensor> g = vjp.pullback(c);
    assertEquals(c.times(3f), g.get(0));
    assertEquals(Tensor.scalar(21f), g.get(1));
    assertEquals(g, vjp.pullback(c), "a pullback can be called again");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> vjp.pullback(Tensor.ones(3, 2)));
    assertTrue(e.getMessage().contains("(3, 2)") && e.getMessage().contains("(2, 3)"),
        e.getMessage());
  }

  @Test
  void theFunctionReceivesStandInsWithTheSameValuesAndCapturedOriginalsAreTracedToo() {
    Tensor y = Tensor.of(new float[] {5, -1, 2, 0.5f, 3, 1}, 2, 3);
    List<Tensor> g = Grad.grad(p -> {
      assertNotSame(x, p.get(0));
      assertEquals(x, p.get(0));
      assertSame(p.get(0), p.get(2), "one stand-in per distinct tensor");
      // The stand-in, and the original captured from outside, both count.
      return p.get(0).times(p.get(1)).sum().plus(x.times(x).sum());
    }, List.of(x, y, x));
    assertEquals(y.plus(x.times(2f)), g.get(0));
    assertEquals(x, g.get(1));
    assertEquals(g.get(0), g.get(2));
  }

  @Test
  void capturedTensorsAreTracedByIdentityToo() {
    // f may use a differentiated tensor it captured rather than the one in the list.
    Tensor g = Grad.grad(p -> x.exp().sum(), List.of(x)).get(0);
    assertTrue(g.allClose(x.exp(), 1e-6, 0));
  }
}
