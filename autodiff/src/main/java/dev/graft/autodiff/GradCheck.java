package dev.graft.autodiff;

import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Checks a function's reverse-mode gradients against central finite differences, for tests.
 *
 * <p>For a function with output {@code y = f(x₁, …, xₙ)} of any shape, a fixed random cotangent
 * {@code c} (all ones for a scalar output) defines the scalar {@code φ(x) = ⟨f(x), c⟩}, summed in
 * double precision from the float32 output. Each checked element {@code x[i]} is moved by {@code
 * ±h}, {@code h = step·max(1, |x[i]|)}, and {@code (φ(x+h) − φ(x−h)) / (x₊ − x₋)} (with {@code
 * x₊, x₋} the float32 values actually used) is compared with the pullback of {@code c}.
 *
 * <p>The error of one element is {@code |analytic − numeric| / max(|analytic|, |numeric|,
 * floor)}, where {@code floor = relativeFloor · (largest |numeric| over all checked elements)}
 * plus a tiny absolute term: it is a relative error for the entries that matter and does not blow
 * up for entries that are zero up to rounding. Float32 evaluation with a step of {@code 1e-2} and
 * a floor of a tenth of the largest entry typically gives worst errors below {@code 1e-3} (the
 * rounding of a float32 loss divided by {@code 2h}); {@link #DEFAULT_TOLERANCE} is {@code 5e-3},
 * so a rule that is off by one percent fails while rounding noise passes. Points
 * within {@code h} of a kink (relu, abs, max ties) give large errors by nature: keep test inputs
 * away from them.
 */
public final class GradCheck {
  /** A tolerance suited to float32 functions with the default settings. */
  public static final double DEFAULT_TOLERANCE = 5e-3;

  private GradCheck() {}

  /**
   * How to check.
   *
   * @param step the relative finite-difference step (e.g. {@code 1e-2} to {@code 1e-3})
   * @param maxPerArgument how many elements of each argument to check at most (chosen at random
   *     when the argument is larger), so big arguments stay cheap
   * @param relativeFloor the fraction of the largest numeric gradient under which differences are
   *     measured against that floor instead of the entry itself
   * @param seed seeds the random cotangent and the choice of elements
   */
  public record Settings(double step, int maxPerArgument, double relativeFloor, long seed) {
    /** Step {@code 1e-2}, up to 64 elements per argument, floor {@code 0.1}, seed 1. */
    public static final Settings DEFAULT = new Settings(1e-2, 64, 1e-1, 1L);

    /** Validates the settings. */
    public Settings {
      if (!(step > 0) || maxPerArgument < 1 || !(relativeFloor >= 0)) {
        throw new IllegalArgumentException("GradCheck.Settings: need step > 0, maxPerArgument >= 1"
            + " and relativeFloor >= 0; got " + step + ", " + maxPerArgument + ", "
            + relativeFloor);
      }
    }

    /** These settings with another step. */
    public Settings withStep(double newStep) {
      return new Settings(newStep, maxPerArgument, relativeFloor, seed);
    }

    /** These settings with another number of checked elements per argument. */
    public Settings withMaxPerArgument(int n) {
      return new Settings(step, n, relativeFloor, seed);
    }
  }

  /**
   * The outcome of a check: the worst error and where it happened.
   *
   * @param worstRelativeError the largest per-element error (see {@link GradCheck})
   * @param argument which argument the worst element belongs to ({@code -1} if nothing was
   *     checked)
   * @param index the worst element's full index in that argument
   * @param analytic the reverse-mode cotangent there
   * @param numeric the finite-difference estimate there
   * @param checked how many elements were checked in all
   */
  public record Report(double worstRelativeError, int argument, int[] index, double analytic,
      double numeric, int checked) {
    /** Copies the index. */
    public Report {
      index = index.clone();
    }

    /** The element's index (a copy). */
    @Override
    public int[] index() {
      return index.clone();
    }

    /** Whether the worst error is at most {@code tolerance}. */
    public boolean passes(double tolerance) {
      return worstRelativeError <= tolerance;
    }

    /**
     * Returns this report if the worst error is at most {@code tolerance}, else throws an
     * {@link AssertionError} that says where and by how much the gradients differ.
     */
    public Report assertWithin(double tolerance) {
      if (!passes(tolerance)) {
        throw new AssertionError("gradient check failed: " + this + " exceeds tolerance "
            + tolerance);
      }
      return this;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "worst relative error %.3g at argument %d index %s (analytic %.6g,"
          + " numeric %.6g; %d elements checked)", worstRelativeError, argument,
          Arrays.toString(index), analytic, numeric, checked);
    }
  }

  /** Checks with {@link Settings#DEFAULT}. */
  public static Report check(Function<List<Tensor>, Tensor> f, List<Tensor> at) {
    return check(f, at, Settings.DEFAULT);
  }

  /** Checks the gradients of {@code f} at {@code at}. */
  public static Report check(Function<List<Tensor>, Tensor> f, List<Tensor> at,
      Settings settings) {
    List<Tensor> args = List.copyOf(at);
    SplittableRandom random = new SplittableRandom(settings.seed());
    Vjp vjp = Grad.vjp(f, args);
    Tensor out = vjp.output();
    double[] c = new double[(int) out.size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = c.length == 1 ? 1.0 : random.nextDouble(0.5, 1.5) * (random.nextBoolean() ? 1 : -1);
    }
    float[] cf = new float[c.length];
    for (int i = 0; i < c.length; i++) {
      cf[i] = (float) c[i];
      c[i] = cf[i];
    }
    List<Tensor> analytic = vjp.pullback(Tensor.of(cf, out.shape()));

    List<double[]> numeric = new ArrayList<>();
    List<int[]> positions = new ArrayList<>();
    double scale = 0;
    int checked = 0;
    for (int k = 0; k < args.size(); k++) {
      float[] x = args.get(k).toArray();
      int[] pick = pick(x.length, settings.maxPerArgument(), random);
      double[] num = new double[pick.length];
      for (int j = 0; j < pick.length; j++) {
        num[j] = difference(f, args, k, pick[j], settings.step(), c);
        scale = Math.max(scale, Math.abs(num[j]));
      }
      numeric.add(num);
      positions.add(pick);
      checked += pick.length;
    }

    double floor = settings.relativeFloor() * scale + 1e-6;
    double worst = -1;
    int worstArg = -1;
    int[] worstIndex = new int[0];
    double worstA = 0;
    double worstN = 0;
    for (int k = 0; k < args.size(); k++) {
      float[] a = analytic.get(k).toArray();
      int[] pick = positions.get(k);
      double[] num = numeric.get(k);
      for (int j = 0; j < pick.length; j++) {
        double an = a[pick[j]];
        double nu = num[j];
        double err = Math.abs(an - nu) / Math.max(floor, Math.max(Math.abs(an), Math.abs(nu)));
        if (Double.isNaN(err)) {
          err = Double.POSITIVE_INFINITY;
        }
        if (err > worst) {
          worst = err;
          worstArg = k;
          worstIndex = unravel(pick[j], args.get(k).shape());
          worstA = an;
          worstN = nu;
        }
      }
    }
    return new Report(Math.max(worst, 0), worstArg, worstIndex, worstA, worstN, checked);
  }

  /** Checks with the default settings and asserts the worst error is within the tolerance. */
  public static Report assertGradients(Function<List<Tensor>, Tensor> f, List<Tensor> at) {
    return check(f, at).assertWithin(DEFAULT_TOLERANCE);
  }

  /** Checks with {@code settings} and asserts the worst error is within {@code tolerance}. */
  public static Report assertGradients(Function<List<Tensor>, Tensor> f, List<Tensor> at,
      Settings settings, double tolerance) {
    return check(f, at, settings).assertWithin(tolerance);
  }

  /** Central difference of {@code ⟨f, c⟩} along element {@code i} of argument {@code k}. */
  private static double difference(Function<List<Tensor>, Tensor> f, List<Tensor> args, int k,
      int i, double step, double[] c) {
    Tensor base = args.get(k);
    float[] x = base.toArray();
    int[] shape = base.shape();
    float x0 = x[i];
    double h = step * Math.max(1.0, Math.abs(x0));
    float plus = (float) (x0 + h);
    float minus = (float) (x0 - h);
    x[i] = plus;
    double fp = project(f, args, k, Tensor.of(x, shape), c);
    x[i] = minus;
    double fm = project(f, args, k, Tensor.of(x, shape), c);
    return (fp - fm) / ((double) plus - (double) minus);
  }

  private static double project(Function<List<Tensor>, Tensor> f, List<Tensor> args, int k,
      Tensor moved, double[] c) {
    List<Tensor> in = new ArrayList<>(args);
    Tensor original = args.get(k);
    // A tensor listed more than once is one variable: move every occurrence.
    for (int j = 0; j < in.size(); j++) {
      if (in.get(j) == original) {
        in.set(j, moved);
      }
    }
    Tensor y = f.apply(List.copyOf(in));
    float[] v = y.toArray();
    if (v.length != c.length) {
      throw new IllegalStateException("GradCheck: f changed its output size from " + c.length
          + " to " + v.length + " (shape " + Shapes.format(y.shape()) + ")");
    }
    double s = 0;
    for (int i = 0; i < v.length; i++) {
      s += v[i] * c[i];
    }
    return s;
  }

  private static int[] pick(int n, int max, SplittableRandom random) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    if (n <= max) {
      return all;
    }
    for (int i = 0; i < max; i++) {
      int j = i + random.nextInt(n - i);
      int t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    int[] chosen = Arrays.copyOf(all, max);
    Arrays.sort(chosen);
    return chosen;
  }

  private static int[] unravel(int flat, int[] shape) {
    int[] index = new int[shape.length];
    for (int i = shape.length - 1; i >= 0; i--) {
      index[i] = shape[i] == 0 ? 0 : flat % shape[i];
      flat = shape[i] == 0 ? 0 : flat / shape[i];
    }
    return index;
  }
}
