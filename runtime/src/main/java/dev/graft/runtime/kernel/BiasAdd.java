package dev.graft.runtime.kernel;

/**
 * Adds a bias row to every row of a matrix in place: {@code y[i, j] += b[j]}, optionally followed
 * by the rectifier in the same pass. For a result that nothing else holds yet (a matmul's fresh
 * output), this replaces a broadcast add's and a ReLU's fresh {@code (rows, cols)} arrays and
 * passes. Each element gets the one addition a broadcast add would
 * make, so results are bit for bit the same, whatever the thread count.
 */
public final class BiasAdd {
  private BiasAdd() {}

  /** {@code y[i·cols + j] += b[j]} for every row; rows split across the kernel threads. */
  public static void addRowsInPlace(float[] y, float[] b, int cols) {
    addRowsInPlace(y, b, cols, false);
  }

  /**
   * As {@link #addRowsInPlace(float[], float[], int)}, then with {@code relu} the rectifier
   * {@code max(v, 0)} in the same pass (NaN kept, {@code -0} to {@code +0}, as the ReLU kernel).
   */
  public static void addRowsInPlace(float[] y, float[] b, int cols, boolean relu) {
    if (cols != b.length || cols == 0 || y.length % cols != 0) {
      throw new IllegalArgumentException("BiasAdd: " + y.length + " values are not rows of the "
          + "bias's " + b.length + " columns");
    }
    int rows = y.length / cols;
    Parallel.forRange(rows, y.length, Elementwise.PARALLEL_MIN, (from, to) -> {
      for (int i = from; i < to; i++) {
        int off = i * cols;
        if (relu) {
          for (int j = 0; j < cols; j++) {
            y[off + j] = Math.max(y[off + j] + b[j], 0f);
          }
        } else {
          for (int j = 0; j < cols; j++) {
            y[off + j] += b[j];
          }
        }
      }
    });
  }

  /** {@code y[i] = max(y[i], 0)} in place, as the ReLU kernel; split across the kernel threads. */
  public static void reluInPlace(float[] y) {
    Parallel.forRange(y.length, y.length, Elementwise.PARALLEL_MIN, (from, to) -> {
      for (int i = from; i < to; i++) {
        y[i] = Math.max(y[i], 0f);
      }
    });
  }
}
