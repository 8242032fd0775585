package dev.graft.runtime.bench;

import dev.graft.runtime.kernel.Matmul;
import dev.graft.runtime.kernel.MatmulEpilogue;
import dev.graft.runtime.kernel.Parallel;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Square GEMM on one thread and on every kernel thread, alternated in one process so both see
 * the same machine load: for each size, several rounds, each timing the product on 1 thread then
 * on {@link Parallel#THREADS} threads (a median over repeats within the round). Prints GFLOP/s
 * (median and range over rounds) and the efficiency of the added threads, {@code t1 / (T · tT)}
 * per round. The product is written into a reused output ({@link Matmul#gemm}, no allocation).
 * The last column is the process CPU time spent on {@code T} threads over that on one: the work
 * the threads add (packing twice, waiting spun), which a loaded machine does not blur the way it
 * blurs wall time; 1.00 means none.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp runtime/target/classes:benchmarks/target/classes
 * dev.graft.runtime.bench.GemmBench [--rounds N] [--tsv] [sizes...]} (default sizes 1024 2048,
 * 7 rounds); or {@code mvn -q -o -pl benchmarks -am compile exec:java
 * -Dexec.mainClass=dev.graft.runtime.bench.GemmBench}. {@code -Dgraft.threads=N} sets the
 * thread count compared against one.
 */
public final class GemmBench {
  private static final com.sun.management.OperatingSystemMXBean CPU =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private GemmBench() {}

  /** Parses the flags, runs the sizes and prints the table. */
  public static void main(String[] args) {
    int rounds = 7;
    boolean tsv = false;
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--tsv" -> tsv = true;
        default -> {
          if (!args[i].matches("\\d+")) {
            throw new IllegalArgumentException("GemmBench: unknown flag " + args[i]
                + " (known: --rounds N, --tsv, sizes)");
          }
          sizes.add(Integer.parseInt(args[i]));
        }
      }
    }
    if (sizes.isEmpty()) {
      sizes = List.of(1024, 2048);
    }
    int threads = Parallel.THREADS;
    if (!tsv) {
      System.out.printf(Locale.ROOT, "GEMM C = A·B (float32, square), %s; Java %s; %d rounds"
          + " alternating 1 and %d thread(s), median [min-max] over rounds%n",
          Matmul.kernelName(), System.getProperty("java.version"), rounds, threads);
      System.out.printf(Locale.ROOT, "%-6s %-24s %-24s %-24s %-20s%n", "size",
          "GFLOP/s 1 thread", "GFLOP/s " + threads + " threads",
          "efficiency t1/(" + threads + "·t" + threads + ")", "CPU time " + threads + "/1");
    }
    for (int n : sizes) {
      run(n, rounds, threads, tsv);
    }
  }

  private static void run(int n, int rounds, int threads, boolean tsv) {
    SplittableRandom rnd = new SplittableRandom(n);
    float[] a = new float[n * n];
    float[] b = new float[n * n];
    float[] c = new float[n * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (rnd.nextDouble() * 2 - 1);
      b[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    double flops = 2.0 * n * n * n;
    int reps = Math.max(3, (int) (1e11 / flops));
    // Warm-up: both thread counts, until the JIT has compiled the packed path.
    for (int w = 0; w < 3; w++) {
      time(n, a, b, c, 1, reps);
      time(n, a, b, c, threads, reps);
    }
    double[] one = new double[rounds];
    double[] many = new double[rounds];
    double[] eff = new double[rounds];
    double[] work = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long cpu = CPU.getProcessCpuTime();
      double t1 = time(n, a, b, c, 1, reps);
      long cpu1 = CPU.getProcessCpuTime() - cpu;
      cpu = CPU.getProcessCpuTime();
      double tt = time(n, a, b, c, threads, reps);
      long cpuT = CPU.getProcessCpuTime() - cpu;
      one[r] = flops / t1 / 1e9;
      many[r] = flops / tt / 1e9;
      eff[r] = t1 / (threads * tt);
      work[r] = (double) cpuT / cpu1;
    }
    if (tsv) {
      // size, then median/min/max of: 1 thread GFLOP/s, N threads GFLOP/s, efficiency; CPU ratio
      System.out.printf(Locale.ROOT, "gemm%d\t%s\t%s\t%s\t%.3f%n", n, tsv(one), tsv(many),
          tsv(eff), median(work));
    } else {
      System.out.printf(Locale.ROOT, "%-6d %-24s %-24s %-24s %-20s%n", n, range(one, "%.1f"),
          range(many, "%.1f"), range(eff, "%.2f"), range(work, "%.2f"));
    }
  }

  /** Median seconds of one product over {@code reps} runs on {@code threads} threads. */
  private static double time(int n, float[] a, float[] b, float[] c, int threads, int reps) {
    double[] t = new double[reps];
    for (int i = 0; i < reps; i++) {
      long start = System.nanoTime();
      Matmul.gemm(threads, n, n, n, a, 0, false, b, 0, false, c, 0, false, MatmulEpilogue.NONE);
      t[i] = (System.nanoTime() - start) / 1e9;
    }
    return median(t);
  }

  private static String tsv(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    return String.format(Locale.ROOT, "%.3f\t%.3f\t%.3f", median(x), s[0], s[s.length - 1]);
  }

  private static String range(double[] x, String format) {
    double[] s = x.clone();
    Arrays.sort(s);
    return String.format(Locale.ROOT, format + " [" + format + "-" + format + "]", median(x),
        s[0], s[s.length - 1]);
  }

  private static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    int h = s.length / 2;
    return s.length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
  }
}
