package dev.graft.autodiff;

import static org.quicktheories.generators.SourceDSL.longs;

import dev.graft.runtime.Tensor;
import dev.graft.testkit.Theories;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Random tensors, shape generators and the gradient assertion shared by the autodiff tests. */
final class TestTensors {
  private TestTensors() {}

  /** A property runner with few examples and short shrinking, so the suite stays fast. */
  static QuickTheory qt(int examples) {
    return Theories.qt().withExamples(examples).withShrinkCycles(20);
  }

  /** Seeds for the values of the random tensors of one example. */
  static Gen<Long> seeds() {
    return longs().all();
  }

  /** Shapes of rank {@code minRank..maxRank} with dims {@code 1..maxDim}. */
  static Gen<int[]> shapes(int minRank, int maxRank, int maxDim) {
    return Generate.intArrays(Generate.range(minRank, maxRank), Generate.range(1, maxDim))
        .describedAs(Arrays::toString);
  }

  /** Uniform values on {@code [lo, hi)}. */
  static Tensor uniform(SplittableRandom r, double lo, double hi, int... shape) {
    float[] v = new float[size(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextDouble(lo, hi);
    }
    return Tensor.of(v, shape);
  }

  /** Values with magnitude in {@code [lo, hi)} and a random sign: away from kinks at zero. */
  static Tensor signedAway(SplittableRandom r, double lo, double hi, int... shape) {
    float[] v = new float[size(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextDouble(lo, hi) * (r.nextBoolean() ? 1 : -1));
    }
    return Tensor.of(v, shape);
  }

  /**
   * Multiples of {@code 0.5} in {@code [-2, 2]} plus {@code offset} and a jitter below 0.05: two
   * such tensors with offsets {@code 0} and {@code 0.25} never come within 0.15 of each other.
   */
  static Tensor lattice(SplittableRandom r, double offset, int... shape) {
    float[] v = new float[size(shape)];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (0.5 * r.nextInt(-4, 5) + offset + r.nextDouble(-0.05, 0.05));
    }
    return Tensor.of(v, shape);
  }

  /** Distinct values {@code 0.1·k} in random order: no ties, gaps far wider than the step. */
  static Tensor distinct(SplittableRandom r, int... shape) {
    int n = size(shape);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (0.1 * (i - n / 2));
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      float t = v[i];
      v[i] = v[j];
      v[j] = t;
    }
    return Tensor.of(v, shape);
  }

  /** A shape that broadcasts against {@code shape}: some leading dims dropped, some dims 1. */
  static int[] partner(SplittableRandom r, int[] shape) {
    int drop = r.nextInt(shape.length + 1);
    int[] p = Arrays.copyOfRange(shape, drop, shape.length);
    for (int i = 0; i < p.length; i++) {
      if (r.nextInt(3) == 0) {
        p[i] = 1;
      }
    }
    return p;
  }

  static int size(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** Asserts that {@code f}'s gradients at {@code args} match finite differences. */
  static GradCheck.Report assertGrad(Function<List<Tensor>, Tensor> f, Tensor... args) {
    return GradCheck.assertGradients(f, List.of(args));
  }
}
