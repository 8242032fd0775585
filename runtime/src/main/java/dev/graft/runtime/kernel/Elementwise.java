package dev.graft.runtime.kernel;

/**
 * Elementwise kernels: unary maps, broadcasting binary maps and select. The operations are named
 * by this class's own {@link Unary} and {@link Binary} enums, so the kernels know nothing of the
 * runtime's IR.
 */
public final class Elementwise {
  /** Element count from which elementwise kernels split across threads. */
  static final long PARALLEL_MIN = 1 << 15;

  /** The maps {@link #unary} computes. */
  public enum Unary { NEG, EXP, LOG, SQRT, ABS, TANH, SIGMOID, RELU, GELU, ERF, SIGN }

  /** The broadcasting maps {@link #binary} computes; comparisons give 1 or 0. */
  public enum Binary { ADD, SUB, MUL, DIV, POW, MAXIMUM, GREATER, EQUAL }

  private Elementwise() {}

  /** {@code p} applied to every value of {@code x}; a fresh array. */
  public static float[] unary(Unary p, float[] x) {
    float[] out = new float[x.length];
    Parallel.forRange(x.length, (long) x.length * unaryCost(p), PARALLEL_MIN,
        (from, to) -> unaryRange(p, x, out, from, to));
    return out;
  }

  private static int unaryCost(Unary p) {
    switch (p) {
      case NEG: case ABS: case RELU: case SIGN:
        return 1;
      default:
        return 8;
    }
  }

  private static void unaryRange(Unary p, float[] x, float[] out, int from, int to) {
    switch (p) {
      case NEG:
        for (int i = from; i < to; i++) {
          out[i] = -x[i];
        }
        break;
      case EXP:
        FloatExp.exp(x, out, from, to);
        break;
      case LOG:
        for (int i = from; i < to; i++) {
          out[i] = (float) Math.log(x[i]);
        }
        break;
      case SQRT:
        for (int i = from; i < to; i++) {
          out[i] = (float) Math.sqrt(x[i]);
        }
        break;
      case ABS:
        for (int i = from; i < to; i++) {
          out[i] = Math.abs(x[i]);
        }
        break;
      case TANH:
        FloatExp.tanh(x, out, from, to);
        break;
      case SIGMOID:
        FloatExp.sigmoid(x, out, from, to);
        break;
      case RELU:
        // Math.max keeps NaN (as PyTorch) and maps -0 to +0; unlike a ternary it has no branch
        // to mispredict on random signs, and C2 vectorizes it (~20x faster here).
        for (int i = from; i < to; i++) {
          out[i] = Math.max(x[i], 0f);
        }
        break;
      case GELU:
        FloatErf.gelu(x, out, from, to);
        break;
      case ERF:
        FloatErf.erf(x, out, from, to);
        break;
      case SIGN:
        // Exactly Math.signum (±0 and NaN kept): |x|·2^149 >= 1 for every non-zero float, so
        // the clamp gives ±1; branch-free and vectorized, unlike Math.signum here.
        for (int i = from; i < to; i++) {
          out[i] = Math.min(Math.max(x[i] * 0x1p127f * 0x1p22f, -1f), 1f);
        }
        break;
    }
  }

  /**
   * Gauss error function; absolute error below {@code 1.2e-7} (relative below {@code 1e-7} near
   * zero), enough for float32.
   */
  public static double erf(double x) {
    double a = Math.abs(x);
    double r;
    if (a < 0.5) {
      // Maclaurin series: erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)).
      double x2 = a * a;
      double term = a;
      double sum = a;
      for (int n = 1; n <= 10; n++) {
        term *= -x2 / n;
        sum += term / (2 * n + 1);
      }
      r = 1.1283791670955126 * sum;
    } else {
      r = 1.0 - erfc(a);
    }
    return x < 0 ? -r : r;
  }

  /**
   * Complementary error function for {@code z >= 0}; fractional error below {@code 1.2e-7}
   * everywhere (Numerical Recipes' Chebyshev fit, {@code erfcc}).
   */
  static double erfc(double z) {
    double t = 1.0 / (1.0 + 0.5 * z);
    return t * Math.exp(erfcExponent(z, t));
  }

  /** The exponent in {@code erfc(z) = t·exp(...)} with {@code t = 1 / (1 + z/2)}. */
  private static double erfcExponent(double z, double t) {
    return -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277))))))));
  }

  /** {@code p} of {@code a} and {@code b} broadcast to {@code out}; a fresh array. */
  public static float[] binary(Binary p, float[] a, int[] aShape, float[] b, int[] bShape,
      int[] out) {
    int size = 1;
    for (int d : out) {
      size *= d;
    }
    float[] r = new float[size];
    if (size == 0) {
      return r;
    }
    long work = (long) size * (p == Binary.POW ? 8 : 1);
    if (a.length == size && b.length == size) {
      Parallel.forRange(size, work, PARALLEL_MIN,
          (from, to) -> run(p, a, from, 1, b, from, 1, r, from, to - from));
      return r;
    }
    if (b.length == 1) {
      Parallel.forRange(size, work, PARALLEL_MIN,
          (from, to) -> run(p, a, from, 1, b, 0, 0, r, from, to - from));
      return r;
    }
    if (a.length == 1) {
      Parallel.forRange(size, work, PARALLEL_MIN,
          (from, to) -> run(p, a, 0, 0, b, from, 1, r, from, to - from));
      return r;
    }
    // General case: per-operand strides in the output's index space (0 on broadcast axes),
    // with size-1 output axes dropped and mergeable neighbours collapsed.
    Strided v = Strided.of(out, aShape, bShape);
    int inner = v.shape[v.rank - 1];
    int rows = size / inner;
    Parallel.forRange(rows, work, PARALLEL_MIN, (from, to) -> {
      int[] idx = v.index(from);
      int ao = v.offset(idx, 0);
      int bo = v.offset(idx, 1);
      int sa = v.strides[0][v.rank - 1];
      int sb = v.strides[1][v.rank - 1];
      for (int row = from; row < to; row++) {
        run(p, a, ao, sa, b, bo, sb, r, row * inner, inner);
        // Advance the multi-index over the outer axes.
        for (int d = v.rank - 2; d >= 0; d--) {
          ao += v.strides[0][d];
          bo += v.strides[1][d];
          if (++idx[d] < v.shape[d]) {
            break;
          }
          ao -= v.strides[0][d] * v.shape[d];
          bo -= v.strides[1][d] * v.shape[d];
          idx[d] = 0;
        }
      }
    });
    return r;
  }

  /**
   * {@code n} results {@code r[ro + i] = p(a[ao + i·sa], b[bo + i·sb])}, where each stride is
   * 0 or 1 (not both 0 unless {@code n == 1}).
   */
  private static void run(Binary p, float[] a, int ao, int sa, float[] b, int bo, int sb,
      float[] r, int ro, int n) {
    if (sa == 1 && sb == 1) {
      same(p, a, ao, b, bo, r, ro, n);
    } else if (sa == 1) {
      scalarRight(p, a, ao, b[bo], r, ro, n);
    } else if (sb == 1) {
      scalarLeft(p, a[ao], b, bo, r, ro, n);
    } else {
      scalarRight(p, a, ao, b[bo], r, ro, n); // n == 1: a's stride never used
    }
  }

  private static void same(Binary p, float[] a, int ao, float[] b, int bo, float[] r, int ro,
      int n) {
    switch (p) {
      case ADD:
        for (int i = 0; i < n; i++) {
          r[ro + i] = a[ao + i] + b[bo + i];
        }
        break;
      case SUB:
        for (int i = 0; i < n; i++) {
          r[ro + i] = a[ao + i] - b[bo + i];
        }
        break;
      case MUL:
        for (int i = 0; i < n; i++) {
          r[ro + i] = a[ao + i] * b[bo + i];
        }
        break;
      case DIV:
        for (int i = 0; i < n; i++) {
          r[ro + i] = a[ao + i] / b[bo + i];
        }
        break;
      case POW:
        for (int i = 0; i < n; i++) {
          r[ro + i] = (float) Math.pow(a[ao + i], b[bo + i]);
        }
        break;
      case MAXIMUM:
        for (int i = 0; i < n; i++) {
          r[ro + i] = Math.max(a[ao + i], b[bo + i]);
        }
        break;
      case GREATER:
        greater(a, ao, b, bo, r, ro, n);
        break;
      case EQUAL:
        for (int i = 0; i < n; i++) {
          r[ro + i] = a[ao + i] == b[bo + i] ? 1f : 0f;
        }
        break;
    }
  }

  private static void scalarRight(Binary p, float[] a, int ao, float s, float[] r, int ro,
      int n) {
    switch (p) {
      case ADD:
        for (int i = 0; i < n; i++) {
          r[ro + i] = a[ao + i] + s;
        }
        break;
      case SUB:
        for (int i = 0; i < n; i++) {
          r[ro + i] = a[ao + i] - s;
        }
        break;
      case MUL:
        for (int i = 0; i < n; i++) {
          r[ro + i] = a[ao + i] * s;
        }
        break;
      case DIV:
        for (int i = 0; i < n; i++) {
          r[ro + i] = a[ao + i] / s;
        }
        break;
      case POW:
        if (s == 2f) {
          for (int i = 0; i < n; i++) {
            float v = a[ao + i];
            r[ro + i] = v * v;
          }
        } else if (s == 1f) {
          System.arraycopy(a, ao, r, ro, n);
        } else {
          for (int i = 0; i < n; i++) {
            r[ro + i] = (float) Math.pow(a[ao + i], s);
          }
        }
        break;
      case MAXIMUM:
        for (int i = 0; i < n; i++) {
          r[ro + i] = Math.max(a[ao + i], s);
        }
        break;
      case GREATER:
        greater(a, ao, s, r, ro, n);
        break;
      case EQUAL:
        for (int i = 0; i < n; i++) {
          r[ro + i] = a[ao + i] == s ? 1f : 0f;
        }
        break;
    }
  }

  private static void scalarLeft(Binary p, float s, float[] b, int bo, float[] r, int ro,
      int n) {
    switch (p) {
      case ADD:
        for (int i = 0; i < n; i++) {
          r[ro + i] = s + b[bo + i];
        }
        break;
      case SUB:
        for (int i = 0; i < n; i++) {
          r[ro + i] = s - b[bo + i];
        }
        break;
      case MUL:
        for (int i = 0; i < n; i++) {
          r[ro + i] = s * b[bo + i];
        }
        break;
      case DIV:
        for (int i = 0; i < n; i++) {
          r[ro + i] = s / b[bo + i];
        }
        break;
      case POW:
        for (int i = 0; i < n; i++) {
          r[ro + i] = (float) Math.pow(s, b[bo + i]);
        }
        break;
      case MAXIMUM:
        for (int i = 0; i < n; i++) {
          r[ro + i] = Math.max(s, b[bo + i]);
        }
        break;
      case GREATER:
        greater(s, b, bo, r, ro, n);
        break;
      case EQUAL:
        for (int i = 0; i < n; i++) {
          r[ro + i] = s == b[bo + i] ? 1f : 0f;
        }
        break;
    }
  }

  // The GREATER loops are branch-free: a ternary {@code a > b ? 1 : 0} mispredicts on random signs
  // and C2 does not vectorize it (~2-3x slower here, measured).

  private static void greater(float[] a, int ao, float[] b, int bo, float[] r, int ro, int n) {
    for (int i = 0; i < n; i++) {
      r[ro + i] = positive(a[ao + i] - b[bo + i]);
    }
  }

  private static void greater(float[] a, int ao, float s, float[] r, int ro, int n) {
    for (int i = 0; i < n; i++) {
      r[ro + i] = positive(a[ao + i] - s);
    }
  }

  private static void greater(float s, float[] b, int bo, float[] r, int ro, int n) {
    for (int i = 0; i < n; i++) {
      r[ro + i] = positive(s - b[bo + i]);
    }
  }

  /**
   * {@code d > 0 ? 1 : 0} from the bits of {@code d}, so {@code a > b} is {@code positive(a - b)}:
   * {@code a - b} is never zero for {@code a != b} (gradual underflow), is NaN when either is NaN
   * or both are the same infinity (all "not greater"), and {@code -0} is not positive.
   */
  private static float positive(float d) {
    int bits = Float.floatToRawIntBits(d);
    int magnitude = bits & 0x7FFFFFFF;
    int notNaN = (magnitude - 0x7F800001) >> 31; // all ones unless magnitude is a NaN's
    int nonZero = -((magnitude | -magnitude) >>> 31); // all ones unless +0 or -0
    return Float.intBitsToFloat(~(bits >> 31) & notNaN & nonZero & 0x3F800000);
  }

  /** {@code a[i]} where {@code cond[i] != 0}, else {@code b[i]}; all the same length. */
  public static float[] where(float[] cond, float[] a, float[] b) {
    float[] r = new float[a.length];
    Parallel.forRange(r.length, r.length, PARALLEL_MIN, (from, to) -> {
      for (int i = from; i < to; i++) {
        r[i] = cond[i] != 0f ? a[i] : b[i];
      }
    });
    return r;
  }
}
