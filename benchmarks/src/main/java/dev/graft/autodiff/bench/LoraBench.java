package dev.graft.autodiff.bench;

import dev.graft.autodiff.Grad;
import dev.graft.autodiff.Vjp;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Times the forward and backward pass of a LoRA layer {@code y = x·Wᵀ + s·(x·Aᵀ)·Bᵀ} with the
 * base weight {@code W} frozen and the adapters {@code A}, {@code B} differentiated, loss {@code
 * mean(y²)}. Prints medians over repeats: the plain forward, the traced forward, the backward
 * (pullback) alone, {@code valueAndGrad}, and backward / forward.
 *
 * <p>Arguments (all optional): {@code batch in out rank repeats}; defaults {@code 256 1024 1024 8
 * 15}.
 */
public final class LoraBench {
  private LoraBench() {}

  /** Runs the benchmark and prints one line per figure. */
  public static void main(String[] args) {
    int batch = arg(args, 0, 256);
    int in = arg(args, 1, 1024);
    int out = arg(args, 2, 1024);
    int rank = arg(args, 3, 8);
    int repeats = arg(args, 4, 15);
    SplittableRandom random = new SplittableRandom(42);
    Tensor x = random(random, 1f, batch, in);
    Tensor w = random(random, (float) (1 / Math.sqrt(in)), out, in);
    Tensor a = random(random, (float) (1 / Math.sqrt(in)), rank, in);
    Tensor b = random(random, 0.01f, out, rank);
    float scale = 2f;
    Function<List<Tensor>, Tensor> loss = p -> x.matmul(w, false, true)
        .plus(x.matmul(p.get(0), false, true).matmul(p.get(1), false, true).times(scale))
        .square().mean();
    List<Tensor> adapters = List.of(a, b);

    int warmup = Math.max(3, repeats / 3);
    double[] forward = new double[repeats];
    double[] traced = new double[repeats];
    double[] backward = new double[repeats];
    double[] full = new double[repeats];
    float sink = 0;
    for (int r = -warmup; r < repeats; r++) {
      long t0 = System.nanoTime();
      sink += loss.apply(adapters).item();
      long t1 = System.nanoTime();
      Vjp vjp = Grad.vjp(loss, adapters);
      long t2 = System.nanoTime();
      List<Tensor> g = vjp.pullback(Tensor.ones(vjp.output().shape()));
      long t3 = System.nanoTime();
      sink += Grad.valueAndGrad(loss, adapters).grads().get(1).value(0, 0) + g.get(0).value(0, 0);
      long t4 = System.nanoTime();
      if (r >= 0) {
        forward[r] = (t1 - t0) / 1e6;
        traced[r] = (t2 - t1) / 1e6;
        backward[r] = (t3 - t2) / 1e6;
        full[r] = (t4 - t3) / 1e6;
      }
    }
    double f = median(forward);
    double bw = median(backward);
    double vg = median(full);
    System.out.printf("LoRA layer batch=%d in=%d out=%d r=%d, loss=mean(y^2), %d repeats"
        + " (medians, ms)%n", batch, in, out, rank, repeats);
    System.out.printf("forward (eager)          %8.2f%n", f);
    System.out.printf("forward (traced)         %8.2f%n", median(traced));
    System.out.printf("backward (pullback)      %8.2f%n", bw);
    System.out.printf("valueAndGrad             %8.2f%n", vg);
    System.out.printf("valueAndGrad - forward   %8.2f%n", vg - f);
    System.out.printf("backward / forward       %8.3f  (target <= 1.5)%n", bw / f);
    System.out.printf("(valueAndGrad-fwd) / fwd %8.3f%n", (vg - f) / f);
    if (Float.isNaN(sink)) {
      System.out.println("(NaN)");
    }
  }

  private static Tensor random(SplittableRandom random, float scale, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextGaussian() * scale);
    }
    return Tensor.adopt(v, shape);
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static int arg(String[] args, int i, int fallback) {
    return args.length > i ? Integer.parseInt(args[i]) : fallback;
  }
}
