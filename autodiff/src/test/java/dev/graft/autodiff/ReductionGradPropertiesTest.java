package dev.graft.autodiff;

import static dev.graft.autodiff.TestTensors.assertGrad;
import static dev.graft.autodiff.TestTensors.distinct;
import static dev.graft.autodiff.TestTensors.qt;
import static dev.graft.autodiff.TestTensors.seeds;
import static dev.graft.autodiff.TestTensors.shapes;
import static dev.graft.autodiff.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.graft.runtime.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/** Properties: reductions and (log-)softmax differentiate correctly over any axes. */
class ReductionGradPropertiesTest {

  private static int[] someAxes(SplittableRandom r, int ndim) {
    int[] axes = new int[ndim];
    int n = 0;
    for (int i = 0; i < ndim; i++) {
      if (r.nextBoolean()) {
        axes[n++] = r.nextBoolean() ? i : i - ndim; // negative axes too
      }
    }
    return Arrays.copyOf(axes, n); // empty means all axes
  }

  @Test
  void sumAndMeanOverAxes() {
    qt(40).forAll(shapes(0, 4, 3), seeds(), Generate.booleans()).checkAssert((shape, seed, keep) -> {
      SplittableRandom r = new SplittableRandom(seed);
      Tensor x = uniform(r, -2, 2, shape);
      int[] axes = someAxes(r, shape.length);
      assertGrad(p -> p.get(0).sum(axes, keep).square(), x);
      assertGrad(p -> p.get(0).mean(axes, keep).exp(), x);
    });
  }

  @Test
  void maxOverAxes() {
    qt(40).forAll(shapes(1, 4, 3), seeds(), Generate.booleans()).checkAssert((shape, seed, keep) -> {
      SplittableRandom r = new SplittableRandom(seed);
      Tensor x = distinct(r, shape);
      int[] axes = someAxes(r, shape.length);
      assertGrad(p -> p.get(0).max(axes, keep), x);
    });
  }

  @Test
  void maxSplitsTiesEvenly() {
    Tensor x = Tensor.of(new float[] {1, 3, 3, 2, 5, 0}, 2, 3);
    Tensor g = Grad.grad(p -> p.get(0).max(1).sum(), List.of(x)).get(0);
    assertArrayEquals(new float[] {0, 0.5f, 0.5f, 0, 1, 0}, g.toArray(), 0f);
    Tensor m = Grad.grad(p -> p.get(0).maximum(Tensor.scalar(3f)).sum(), List.of(x)).get(0);
    assertArrayEquals(new float[] {0, 0.5f, 0.5f, 0, 1, 0}, m.toArray(), 0f);
  }

  @Test
  void softmaxAndLogSoftmaxAlongAnyAxis() {
    qt(40).forAll(shapes(1, 3, 4), seeds()).checkAssert((shape, seed) -> {
      SplittableRandom r = new SplittableRandom(seed);
      Tensor x = uniform(r, -3, 3, shape);
      int axis = r.nextInt(-shape.length, shape.length);
      assertGrad(p -> p.get(0).softmax(axis), x);
      assertGrad(p -> p.get(0).logSoftmax(axis), x);
    });
  }

  @Test
  void normOverAxes() {
    qt(20).forAll(shapes(1, 3, 4), seeds()).checkAssert((shape, seed) -> {
      SplittableRandom r = new SplittableRandom(seed);
      Tensor x = TestTensors.signedAway(r, 0.5, 2, shape);
      int[] axes = someAxes(r, shape.length);
      assertGrad(p -> p.get(0).norm(axes, true), x);
    });
  }
}
