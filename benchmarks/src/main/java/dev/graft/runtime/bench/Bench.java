package dev.graft.runtime.bench;

import dev.graft.runtime.Tensor;
import dev.graft.runtime.kernel.Matmul;
import dev.graft.runtime.kernel.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Measures the runtime's kernels and prints their throughput as a table: square matmul at
 * 256/512/1024/2048 in both the {@code A·B} and the {@code x·Wᵀ} orientation, the matmul shapes
 * of a LoRA training step (width 1024, batch 256, rank 8, including the backward products), one
 * small product, and one conv2d (N=8, C=64, 32×32, 3×3, pad 1, O=64). Every figure is the median
 * over several timed samples taken after a warm-up.
 *
 * <p>Run it with {@code mvn -q -pl runtime compile exec:java -Dexec.skip=false} (plain-Java
 * kernel; add {@code MAVEN_OPTS="--add-modules jdk.incubator.vector"} for the Vector API kernel)
 * or {@code java --add-modules jdk.incubator.vector -cp runtime/target/classes
 * dev.graft.runtime.bench.Bench}; {@code bench/compare.sh} runs it beside PyTorch and
 * {@code docs/PERFORMANCE.md} reports the figures.
 *
 * <p>Flags: {@code --quick} (shorter samples, fewer repeats), {@code --only REGEX} (cases whose
 * name matches), {@code --tsv} (tab-separated {@code name, what, ms, GFLOP/s} for scripts),
 * {@code --repeats N}, {@code --cpu-time} (time this thread's CPU time instead of wall time;
 * needs {@code -Dgraft.threads=1}; on a shared, loaded machine it still measures the kernel's own
 * speed, where wall time measures the scheduler).
 */
public final class Bench {
  private static volatile float sink;

  private static final ThreadMXBean THREAD_TIME = ManagementFactory.getThreadMXBean();

  private final boolean quick;
  private final int repeats;
  private final boolean cpuTime;

  private Bench(boolean quick, int repeats, boolean cpuTime) {
    this.quick = quick;
    this.repeats = repeats;
    this.cpuTime = cpuTime;
  }

  /**
   * One benchmark case: a stable name (shared with {@code bench/torch_cases.py} and the JMH
   * benchmarks), a human description, its flop count, and a setup that allocates the operands
   * and returns the work to time.
   */
  public record Case(String name, String what, double flops, Supplier<Runnable> setup) {}

  /** Parses the flags, runs the selected cases and prints the table. */
  public static void main(String[] args) {
    boolean quick = false;
    boolean tsv = false;
    boolean cpuTime = false;
    int repeats = -1;
    Pattern only = Pattern.compile(".*");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick":
          quick = true;
          break;
        case "--tsv":
          tsv = true;
          break;
        case "--cpu-time":
          cpuTime = true;
          break;
        case "--only":
          only = Pattern.compile(args[++i]);
          break;
        case "--repeats":
          repeats = Integer.parseInt(args[++i]);
          break;
        default:
          throw new IllegalArgumentException("Bench: unknown flag " + args[i]
              + " (known: --quick, --tsv, --cpu-time, --only REGEX, --repeats N)");
      }
    }
    if (cpuTime && Parallel.THREADS != 1) {
      throw new IllegalArgumentException("Bench: --cpu-time times this thread only, so it needs "
          + "-Dgraft.threads=1 (kernels would run on " + Parallel.THREADS + " threads)");
    }
    Bench bench = new Bench(quick, repeats > 0 ? repeats : quick ? 5 : 9, cpuTime);
    List<Case> cases = new ArrayList<>();
    for (Case c : cases()) {
      if (only.matcher(c.name()).find()) {
        cases.add(c);
      }
    }
    if (!tsv) {
      System.out.printf(Locale.ROOT,
          "Graft kernel benchmark: %s; Java %s; median of %d samples of %s%s%n",
          Matmul.kernelName(), System.getProperty("java.version"), bench.repeats,
          cpuTime ? "thread CPU time" : "wall time", quick ? " (quick)" : "");
      System.out.printf(Locale.ROOT, "%-16s %-40s %10s %10s%n", "case", "what", "ms", "GFLOP/s");
    }
    for (Case c : cases) {
      double seconds = bench.median(c.setup().get());
      double gflops = c.flops() / seconds / 1e9;
      if (tsv) {
        System.out.printf(Locale.ROOT, "%s\t%s\t%.4f\t%.2f%n", c.name(), c.what(), seconds * 1e3,
            gflops);
      } else {
        System.out.printf(Locale.ROOT, "%-16s %-40s %10.3f %10.1f%n", c.name(), c.what(),
            seconds * 1e3, gflops);
      }
    }
  }

  /** All cases, in table order; operands are allocated only by each case's setup. */
  public static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    for (int n : new int[] {256, 512, 1024, 2048}) {
      cases.add(matmul("mm" + n, n, n, n, false, false));
    }
    for (int n : new int[] {256, 512, 1024, 2048}) {
      cases.add(matmul("mm" + n + "_nt", n, n, n, false, true));
    }
    // A LoRA step at width 1024, batch 256, rank 8: the frozen base, its backward, the adapter.
    cases.add(matmul("lora_xWt", 256, 1024, 1024, false, true));
    cases.add(matmul("lora_gW", 256, 1024, 1024, false, false));
    cases.add(matmul("lora_xtg", 1024, 1024, 256, true, false));
    cases.add(matmul("lora_xAt_r8", 256, 8, 1024, false, true));
    cases.add(matmul("lora_hBt_r8", 256, 1024, 8, false, true));
    cases.add(matmul("lora_gtx_r8", 8, 1024, 256, true, false));
    cases.add(matmul("small_32x64x64", 32, 64, 64, false, false));
    cases.add(conv2d("conv2d_k3", 8, 64, 32, 64, 3));
    return cases;
  }

  /** The case called {@code name}; for the JMH benchmarks. */
  public static Case named(String name) {
    for (Case c : cases()) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("Bench: no case named " + name);
  }

  /** {@code op(A)·op(B)} with {@code op(A)} {@code m×k} and {@code op(B)} {@code k×n}. */
  static Case matmul(String name, int m, int n, int k, boolean ta, boolean tb) {
    int[] as = ta ? new int[] {k, m} : new int[] {m, k};
    int[] bs = tb ? new int[] {n, k} : new int[] {k, n};
    int[] out = {m, n};
    String what = String.format(Locale.ROOT, "(%dx%d)%s·(%dx%d)%s", as[0], as[1], ta ? "ᵀ" : "",
        bs[0], bs[1], tb ? "ᵀ" : "");
    return new Case(name, what, 2.0 * m * n * k, () -> {
      SplittableRandom rnd = new SplittableRandom(name.hashCode());
      float[] a = random(rnd, m * k);
      float[] b = random(rnd, k * n);
      return () -> {
        float[] c = Matmul.matmul(a, as, ta, b, bs, tb, out);
        sink = c[c.length - 1];
      };
    });
  }

  /** A stride-1 convolution with {@code 'same'} padding, through the Tensor API. */
  static Case conv2d(String name, int batch, int channels, int size, int outChannels, int kernel) {
    double flops = 2.0 * batch * outChannels * size * size * channels * kernel * kernel;
    String what = String.format(Locale.ROOT, "conv2d N%d C%d %dx%d k%d pad%d O%d", batch, channels,
        size, size, kernel, kernel / 2, outChannels);
    return new Case(name, what, flops, () -> {
      SplittableRandom rnd = new SplittableRandom(name.hashCode());
      Tensor x = Tensor.of(random(rnd, batch * channels * size * size), batch, channels, size,
          size);
      Tensor w = Tensor.of(random(rnd, outChannels * channels * kernel * kernel), outChannels,
          channels, kernel, kernel);
      return () -> {
        Tensor y = Tensor.conv(x, w, 1, kernel / 2, 1, 1);
        sink = y.shape()[0];
      };
    });
  }

  /**
   * Median seconds per run: warm up, size each sample to a fixed wall time, then time
   * {@link #repeats} samples.
   */
  private double median(Runnable op) {
    double warm = quick ? 0.2 : 0.5;
    double sampleSeconds = quick ? 0.03 : 0.1;
    long start = System.nanoTime();
    int runs = 0;
    while (runs < 3 || (System.nanoTime() - start) / 1e9 < warm) {
      op.run();
      runs++;
    }
    double perRun = (System.nanoTime() - start) / 1e9 / runs;
    int reps = (int) Math.max(1, Math.ceil(sampleSeconds / perRun));
    double[] samples = new double[repeats];
    for (int s = 0; s < repeats; s++) {
      long t = now();
      for (int r = 0; r < reps; r++) {
        op.run();
      }
      samples[s] = (now() - t) / 1e9 / reps;
    }
    Arrays.sort(samples);
    return samples[repeats / 2];
  }

  /** Nanoseconds of wall time, or of this thread's CPU time with {@code --cpu-time}. */
  private long now() {
    return cpuTime ? THREAD_TIME.getCurrentThreadCpuTime() : System.nanoTime();
  }

  private static float[] random(SplittableRandom rnd, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return x;
  }
}
