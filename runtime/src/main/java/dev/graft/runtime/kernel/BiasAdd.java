package dev.graft.runtime.kernel;

/**
 * Adds a bias row to every row of a matrix in place: {@code y[i, j] += b[j]}. For a result that
 * nothing else holds yet (a matmul's fresh output), this replaces a broadcast add's second
 * {@code (rows, cols)} array and pass. Each element gets the one addition a broadcast add would
 * make, so results are bit for bit the same, whatever the thread count.
 */
public final class BiasAdd {
  private BiasAdd() {}

  /** {@code y[i·cols + j] += b[j]} for every row {@code i}; rows split across the kernel threads. */
  public static void addRowsInPlace(float[] y, float[] b, int cols) {
    if (cols != b.length || cols == 0 || y.length % cols != 0) {
      throw new IllegalArgumentException("BiasAdd: " + y.length + " values are not rows of the "
          + "bias's " + b.length + " columns");
    }
    int rows = y.length / cols;
    Parallel.forRange(rows, y.length, Elementwise.PARALLEL_MIN, (from, to) -> {
      for (int i = from; i < to; i++) {
        int off = i * cols;
        for (int j = 0; j < cols; j++) {
          y[off + j] += b[j];
        }
      }
    });
  }
}
