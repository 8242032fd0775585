package dev.graft.runtime.bench;

import dev.graft.runtime.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Times the exact GELU and the erf kernel (the one GELU's derivative goes through), exp, tanh,
 * sigmoid, and softmax over rows of 128 (attention's shape), on a MiniLM-sized activation,
 * 32·128·1536 floats drawn from N(0, 1.5²), and prints the median milliseconds and nanoseconds
 * per element over several calls after a warm-up. Run it with
 * {@code java -Dgraft.threads=2 -cp runtime/target/classes:benchmarks/target/classes
 * dev.graft.runtime.bench.GeluBench [repeats]}.
 */
public final class GeluBench {
  private static volatile float sink;

  private GeluBench() {}

  /** Prints one line per kernel: median and min ms per call, and ns per element. */
  public static void main(String[] args) {
    int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int n = 32 * 128 * 1536;
    SplittableRandom rnd = new SplittableRandom(7);
    float[] data = new float[n];
    for (int i = 0; i < n; i++) {
      data[i] = (float) (rnd.nextGaussian() * 1.5);
    }
    Tensor x = Tensor.of(data, 32, 128, 1536);
    time("gelu", x, Tensor::gelu, repeats);
    time("erf", x, Tensor::erf, repeats);
    time("exp", x, Tensor::exp, repeats);
    time("tanh", x, Tensor::tanh, repeats);
    time("sigmoid", x, Tensor::sigmoid, repeats);
    // Attention's softmax: rows of 128 scores, (batch·heads·seq, seq).
    time("softmax", x.reshape(32 * 12 * 128, 128), t -> t.softmax(1), repeats);
  }

  private static void time(String name, Tensor x, UnaryOperator<Tensor> op, int repeats) {
    for (int i = 0; i < 5; i++) {
      sink += op.apply(x).toArray()[0];
    }
    double[] ms = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      Tensor y = op.apply(x);
      ms[r] = (System.nanoTime() - t0) / 1e6;
      sink += y.toArray()[r];
    }
    Arrays.sort(ms);
    double median = ms[repeats / 2];
    System.out.printf(Locale.ROOT,
        "%-7s %d elements: median %.2f ms, min %.2f ms, %.2f ns/element%n",
        name, x.size(), median, ms[0], median * 1e6 / x.size());
  }
}
