package dev.graft.dsl.bench;

import dev.graft.runtime.Fused;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A/B of the fused eager paths against the primitive chains they replace, in one process and
 * alternating call by call so both see the same machine load: a LoRA merge of a {@code 1024²}
 * weight at rank 8 ({@link Fused#plusScaledProduct} against {@code W + (s·B)·A}) and a dense
 * layer's forward at batch 256 ({@link Fused#linear} against matmul then broadcast add, and
 * with a ReLU after it). Prints
 * the median wall time and the median CPU time of the calling thread per call; run it with
 * {@code -Dgraft.threads=1} for CPU times that include all the work.
 *
 * <p>Arguments: {@code [repeats]}, default 41.
 */
public final class FusedBench {
  private static volatile float sink;

  private FusedBench() {}

  /** Runs the A/B pairs and prints one line per variant. */
  public static void main(String[] args) {
    int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 41;
    Key key = Key.of(3);
    Tensor w = Random.normal(key, 1024, 1024);
    Tensor a = Random.normal(key.foldIn(1), 8, 1024);
    Tensor b = Random.normal(key.foldIn(2), 1024, 8).times(0.02f);
    Tensor x = Random.normal(key.foldIn(3), 256, 1024);
    Tensor bias = Random.normal(key.foldIn(4), 1024);
    pair("merge 1024x1024 r8", repeats, () -> w.plus(b.times(2f).matmul(a)),
        () -> Fused.plusScaledProduct(w, b, a, 2.0));
    pair("linear 256x1024x1024+bias", repeats, () -> x.matmul(w, false, true).plus(bias),
        () -> Fused.linear(x, w, bias));
    pair("linear+bias+relu", repeats, () -> x.matmul(w, false, true).plus(bias).relu(),
        () -> Fused.linear(x, w, bias, true));
  }

  private static void pair(String name, int repeats, Supplier<Tensor> chain,
      Supplier<Tensor> fused) {
    if (!chain.get().allClose(fused.get(), 1e-5, 1e-5)) {
      throw new AssertionError(name + ": fused and chained results differ");
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    double[][] wall = new double[2][repeats];
    double[][] cpu = new double[2][repeats];
    for (int r = -5; r < repeats; r++) {
      for (int v = 0; v < 2; v++) {
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        Tensor y = (v == 0 ? chain : fused).get();
        long t1 = System.nanoTime();
        long c1 = mx.getCurrentThreadCpuTime();
        sink += y.toArray()[0];
        if (r >= 0) {
          wall[v][r] = (t1 - t0) / 1e6;
          cpu[v][r] = (c1 - c0) / 1e6;
        }
      }
    }
    for (int v = 0; v < 2; v++) {
      System.out.printf(Locale.ROOT,
          "%-27s %-7s wall median %7.3f ms, thread CPU median %7.3f ms%n",
          name, v == 0 ? "chain" : "fused", median(wall[v]), median(cpu[v]));
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
