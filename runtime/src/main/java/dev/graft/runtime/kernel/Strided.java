package dev.graft.runtime.kernel;

/**
 * Row-major operands broadcast into one output shape, described as per-operand strides over the
 * output's axes (0 on broadcast axes), with size-1 axes dropped and neighbouring axes merged where
 * every operand allows it. Kernels then loop over the last axis with strides 0 or 1.
 */
final class Strided {
  /** Number of axes left after simplification (at least 1). */
  final int rank;
  /** The simplified output shape. */
  final int[] shape;
  /** {@code strides[k][d]}: the step of operand {@code k} along simplified axis {@code d}. */
  final int[][] strides;

  private Strided(int rank, int[] shape, int[][] strides) {
    this.rank = rank;
    this.shape = shape;
    this.strides = strides;
  }

  /** Operands of shapes {@code in} (each broadcastable to {@code out}) viewed over {@code out}. */
  static Strided of(int[] out, int[]... in) {
    int n = out.length;
    int k = in.length;
    int[][] full = new int[k][n];
    for (int j = 0; j < k; j++) {
      int[] s = in[j];
      int off = n - s.length;
      int stride = 1;
      for (int d = n - 1; d >= 0; d--) {
        int dim = d >= off ? s[d - off] : 1;
        full[j][d] = dim == 1 ? 0 : stride;
        stride *= dim;
      }
    }
    int[] shape = new int[Math.max(1, n)];
    int[][] strides = new int[k][Math.max(1, n)];
    int rank = 0;
    for (int d = 0; d < n; d++) {
      if (out[d] == 1) {
        continue;
      }
      boolean merge = rank > 0;
      for (int j = 0; merge && j < k; j++) {
        merge = strides[j][rank - 1] == full[j][d] * out[d];
      }
      if (merge) {
        shape[rank - 1] *= out[d];
        for (int j = 0; j < k; j++) {
          strides[j][rank - 1] = full[j][d];
        }
      } else {
        shape[rank] = out[d];
        for (int j = 0; j < k; j++) {
          strides[j][rank] = full[j][d];
        }
        rank++;
      }
    }
    if (rank == 0) {
      shape[0] = 1;
      rank = 1;
    }
    return new Strided(rank, shape, strides);
  }

  /** The multi-index over the outer axes (all but the last) of outer row {@code row}. */
  int[] index(int row) {
    int[] idx = new int[rank];
    for (int d = rank - 2; d >= 0; d--) {
      idx[d] = row % shape[d];
      row /= shape[d];
    }
    return idx;
  }

  /** Offset of operand {@code k} at the multi-index {@code idx}. */
  int offset(int[] idx, int k) {
    int o = 0;
    for (int d = 0; d < rank; d++) {
      o += idx[d] * strides[k][d];
    }
    return o;
  }
}
