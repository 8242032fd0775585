package dev.graft.runtime;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * Dense linear algebra on float32 matrices, computed in double precision: thin SVD, thin QR,
 * linear solves and inverses, and a randomized truncated SVD for large matrices.
 *
 * <p>SVD, solve and inverse go through Apache Commons Math; QR is a Householder factorization of
 * our own (Commons Math only builds the full {@code m × m} Q). None of these are differentiable:
 * call them on values, not inside a traced gradient function.
 */
public final class Linalg {
  /** The key of {@link #randomizedSvd(Tensor, int, int, int)}'s random test matrix. */
  public static final Key DEFAULT_SKETCH_KEY = Key.of(0x5EED_5EEDL);

  /** Oversampling of {@link #randomizedSvd(Tensor, int)}, as recommended by Halko et al. */
  public static final int DEFAULT_OVERSAMPLE = 10;

  /** Power iterations of {@link #randomizedSvd(Tensor, int)}. */
  public static final int DEFAULT_POWER_ITERS = 2;

  private Linalg() {}

  // ------------------------------------------------------------------ exact

  /**
   * The thin SVD of a 2-d {@code (m, n)} matrix: {@code U (m, k)}, {@code S (k)} descending,
   * {@code Vt (k, n)}, {@code k = min(m, n)}. Cost {@code O(m n k)} in double precision; for the
   * top few triplets of a large matrix use {@link #randomizedSvd}.
   */
  public static Svd svd(Tensor m) {
    int[] s = matrixShape("svd", m);
    requireFinite("svd", m);
    return exactSvd(toDouble(m.data()), s[0], s[1]);
  }

  /** The thin QR factorization of a 2-d matrix, in double precision inside. */
  public static Qr qr(Tensor m) {
    int[] s = matrixShape("qr", m);
    requireFinite("qr", m);
    Householder.Factors f = Householder.factor(toDouble(m.data()), s[0], s[1]);
    return new Qr(Tensor.adopt(toFloat(f.q()), s[0], f.k()),
        Tensor.adopt(toFloat(f.r()), f.k(), s[1]));
  }

  /**
   * The {@code x} with {@code a · x = b}, for a square {@code a (n, n)} and {@code b} either
   * {@code (n)} or {@code (n, k)}; the result has {@code b}'s shape. LU with partial pivoting.
   *
   * @throws ArithmeticException if {@code a} is singular to working precision
   */
  public static Tensor solve(Tensor a, Tensor b) {
    int n = squareShape("solve", a);
    int[] bs = b.shapeRef();
    if (bs.length < 1 || bs.length > 2 || bs[0] != n) {
      throw new IllegalArgumentException("solve: a " + Shapes.format(a.shapeRef()) + " and b "
          + Shapes.format(bs) + ": b must be (" + n + ",) or (" + n + ", k)");
    }
    requireFinite("solve", a);
    requireFinite("solve", b);
    int k = bs.length == 1 ? 1 : bs[1];
    if (n == 0 || k == 0) {
      return Tensor.zeros(bs);
    }
    DecompositionSolver solver = lu("solve", a, n);
    RealMatrix x = solver.solve(new Array2DRowRealMatrix(rows(toDouble(b.data()), n, k), false));
    return Tensor.adopt(flatten(x, "solve", a), bs);
  }

  /**
   * The inverse of a square matrix. Prefer {@link #solve} to multiplying by an inverse.
   *
   * @throws ArithmeticException if {@code a} is singular to working precision
   */
  public static Tensor inverse(Tensor a) {
    int n = squareShape("inverse", a);
    requireFinite("inverse", a);
    if (n == 0) {
      return Tensor.zeros(0, 0);
    }
    return Tensor.adopt(flatten(lu("inverse", a, n).getInverse(), "inverse", a), n, n);
  }

  // ------------------------------------------------------------------ randomized

  /**
   * The top {@code rank} singular triplets, with {@value #DEFAULT_OVERSAMPLE} extra sketch
   * columns and {@value #DEFAULT_POWER_ITERS} power iterations.
   */
  public static Svd randomizedSvd(Tensor m, int rank) {
    return randomizedSvd(m, rank, DEFAULT_OVERSAMPLE, DEFAULT_POWER_ITERS, DEFAULT_SKETCH_KEY);
  }

  /**
   * The top {@code rank} singular triplets of a large matrix by Halko, Martinsson and Tropp's
   * randomized range finder (SIAM Review 53(2), 2011, algorithms 4.4 and 5.1), with the fixed
   * {@link #DEFAULT_SKETCH_KEY}: the same input always gives the same answer.
   *
   * @param rank number of triplets, {@code 1..min(m, n)}
   * @param oversample extra sketch columns beyond {@code rank} (5–10 is typical)
   * @param powerIters power iterations (each costs two products with {@code m}); more sharpen
   *     the result when the spectrum decays slowly
   */
  public static Svd randomizedSvd(Tensor m, int rank, int oversample, int powerIters) {
    return randomizedSvd(m, rank, oversample, powerIters, DEFAULT_SKETCH_KEY);
  }

  /**
   * {@link #randomizedSvd(Tensor, int, int, int)} with the random test matrix drawn from
   * {@code key}. The products with the big matrix go through {@link Tensor#matmul} (so its fast
   * kernel does the work); the sketch is re-orthonormalized by QR between power iterations, and
   * only the small {@code (rank + oversample) × n} problem gets an exact SVD.
   */
  public static Svd randomizedSvd(Tensor m, int rank, int oversample, int powerIters, Key key) {
    int[] s = matrixShape("randomizedSvd", m);
    int rows = s[0];
    int cols = s[1];
    int full = Math.min(rows, cols);
    if (rank < 1 || rank > full || oversample < 0 || powerIters < 0) {
      throw new IllegalArgumentException("randomizedSvd: matrix " + Shapes.format(s) + ", rank "
          + rank + ", oversample " + oversample + ", powerIters " + powerIters
          + ": need 1 <= rank <= " + full + ", oversample >= 0, powerIters >= 0");
    }
    requireFinite("randomizedSvd", m);
    int l = (int) Math.min((long) rank + oversample, full);
    Tensor q = orthonormalBasis(m.matmul(Random.normal(key, cols, l)));         // (rows, l)
    for (int i = 0; i < powerIters; i++) {
      Tensor z = orthonormalBasis(m.matmul(q, true, false));                    // (cols, l)
      q = orthonormalBasis(m.matmul(z));                                        // (rows, l)
    }
    Tensor b = q.matmul(m, true, false);                                        // (l, cols)
    requireFinite("randomizedSvd (projected matrix)", b);
    Svd small = exactSvd(toDouble(b.data()), l, cols);                          // Ub (l, l)
    // U = Q · Ub[:, :rank], a small product done in double.
    float[] qd = q.data();
    float[] ub = small.u().data();
    float[] u = new float[rows * rank];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < rank; j++) {
        double acc = 0;
        for (int t = 0; t < l; t++) {
          acc += (double) qd[i * l + t] * ub[t * l + j];
        }
        u[i * rank + j] = (float) acc;
      }
    }
    Svd top = small.truncate(rank);
    return new Svd(Tensor.adopt(u, rows, rank), top.s(), top.vt());
  }

  // ------------------------------------------------------------------ helpers

  private static Tensor orthonormalBasis(Tensor y) {
    int[] s = y.shapeRef();
    double[] q = Householder.factor(toDouble(y.data()), s[0], s[1]).q();
    return Tensor.adopt(toFloat(q), s[0], Math.min(s[0], s[1]));
  }

  /**
   * Thin SVD in double. A tall or wide matrix is first reduced by Householder QR to its small
   * square triangular factor (an SVD of {@code R} then gives the one of {@code A = Q R}), so only
   * a {@code k × k} problem reaches Commons Math.
   */
  private static Svd exactSvd(double[] a, int m, int n) {
    int k = Math.min(m, n);
    if (k == 0) {
      return new Svd(Tensor.zeros(m, 0), Tensor.zeros(0), Tensor.zeros(0, n));
    }
    if (m == n) {
      return squareSvd(a, n);
    }
    boolean wide = m < n;
    // Tall: A = Q R. Wide: Aᵀ = Q R, so A = Rᵀ Qᵀ.
    Householder.Factors f = wide ? Householder.factor(transpose(a, m, n), n, m)
        : Householder.factor(a, m, n);
    double[][] small = rows(f.r(), k, k);
    if (wide) {
      small = transpose(small);
    }
    SingularValueDecomposition d = new SingularValueDecomposition(
        new Array2DRowRealMatrix(small, false));
    double[][] ur = d.getU().getData(); // (k, k)
    double[][] vtr = d.getVT().getData(); // (k, k)
    double[] q = f.q(); // (max(m, n), k)
    float[] u = new float[m * k];
    float[] vt = new float[k * n];
    if (wide) {
      // A = U_r S (V_rᵀ Qᵀ): U = U_r, Vt = V_rᵀ Qᵀ.
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          u[i * k + j] = (float) ur[i][j];
        }
      }
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < n; j++) {
          double acc = 0;
          for (int t = 0; t < k; t++) {
            acc += vtr[i][t] * q[j * k + t];
          }
          vt[i * n + j] = (float) acc;
        }
      }
    } else {
      // A = (Q U_r) S V_rᵀ.
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < k; j++) {
          double acc = 0;
          for (int t = 0; t < k; t++) {
            acc += q[i * k + t] * ur[t][j];
          }
          u[i * k + j] = (float) acc;
        }
      }
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          vt[i * n + j] = (float) vtr[i][j];
        }
      }
    }
    return new Svd(Tensor.adopt(u, m, k), Tensor.adopt(toFloat(d.getSingularValues()), k),
        Tensor.adopt(vt, k, n));
  }

  private static Svd squareSvd(double[] a, int n) {
    SingularValueDecomposition d =
        new SingularValueDecomposition(new Array2DRowRealMatrix(rows(a, n, n), false));
    return new Svd(Tensor.adopt(flat(d.getU().getData()), n, n),
        Tensor.adopt(toFloat(d.getSingularValues()), n),
        Tensor.adopt(flat(d.getVT().getData()), n, n));
  }

  private static float[] flat(double[][] x) {
    int c = x.length == 0 ? 0 : x[0].length;
    float[] out = new float[x.length * c];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < c; j++) {
        out[i * c + j] = (float) x[i][j];
      }
    }
    return out;
  }

  private static double[] transpose(double[] a, int m, int n) {
    double[] t = new double[a.length];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        t[j * m + i] = a[i * n + j];
      }
    }
    return t;
  }

  private static double[][] transpose(double[][] a) {
    int m = a.length;
    int n = a[0].length;
    double[][] t = new double[n][m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        t[j][i] = a[i][j];
      }
    }
    return t;
  }

  /** LU of {@code a}; singular when a pivot falls below {@code n · 2⁻⁴⁴ · max|a|}. */
  private static DecompositionSolver lu(String op, Tensor a, int n) {
    double max = 0;
    for (float v : a.data()) {
      max = Math.max(max, Math.abs(v));
    }
    double threshold = n * 0x1p-44 * max;
    DecompositionSolver solver = max == 0 ? null
        : new LUDecomposition(new Array2DRowRealMatrix(rows(toDouble(a.data()), n, n), false),
            threshold).getSolver();
    if (solver == null || !solver.isNonSingular()) {
      throw new ArithmeticException(op + ": matrix " + Shapes.format(a.shapeRef())
          + " is singular to working precision");
    }
    return solver;
  }

  private static int[] matrixShape(String op, Tensor m) {
    int[] s = m.shapeRef();
    if (s.length != 2) {
      throw new IllegalArgumentException(op + ": needs a 2-d matrix, got shape "
          + Shapes.format(s));
    }
    return s;
  }

  private static int squareShape(String op, Tensor a) {
    int[] s = matrixShape(op, a);
    if (s[0] != s[1]) {
      throw new IllegalArgumentException(op + ": needs a square matrix, got shape "
          + Shapes.format(s));
    }
    return s[0];
  }

  private static void requireFinite(String op, Tensor t) {
    for (float v : t.data()) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException(op + ": matrix " + Shapes.format(t.shapeRef())
            + " has a non-finite value (" + v + ")");
      }
    }
  }

  private static float[] flatten(RealMatrix x, String op, Tensor a) {
    int r = x.getRowDimension();
    int c = x.getColumnDimension();
    float[] out = new float[r * c];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        double v = x.getEntry(i, j);
        if (!Double.isFinite(v) || Math.abs(v) > Float.MAX_VALUE) {
          throw new ArithmeticException(op + ": matrix " + Shapes.format(a.shapeRef())
              + " is too ill-conditioned: the result overflows float32");
        }
        out[i * c + j] = (float) v;
      }
    }
    return out;
  }

  private static double[][] rows(double[] a, int m, int n) {
    double[][] r = new double[m][n];
    for (int i = 0; i < m; i++) {
      System.arraycopy(a, i * n, r[i], 0, n);
    }
    return r;
  }

  static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }

  static float[] toFloat(double[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      f[i] = (float) a[i];
    }
    return f;
  }
}
