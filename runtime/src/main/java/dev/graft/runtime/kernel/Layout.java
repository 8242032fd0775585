package dev.graft.runtime.kernel;

/** Kernels that move data without arithmetic: permute, broadcast, slice, concat, gather. */
public final class Layout {
  private static final long PARALLEL_MIN = Elementwise.PARALLEL_MIN;
  private static final int TILE = 32;

  private Layout() {}

  /** Output axis {@code i} is input axis {@code perm[i]}. */
  public static float[] permute(float[] x, int[] shape, int[] perm) {
    int n = shape.length;
    float[] out = new float[x.length];
    if (x.length == 0) {
      return out;
    }
    int[] inStrides = strides(shape);
    // Drop size-1 axes and merge output axes that stay adjacent in the input.
    int[] dims = new int[n];
    int[] st = new int[n];
    int rank = 0;
    for (int i = 0; i < n; i++) {
      int d = shape[perm[i]];
      int s = inStrides[perm[i]];
      if (d == 1) {
        continue;
      }
      if (rank > 0 && st[rank - 1] == s * d) {
        dims[rank - 1] *= d;
        st[rank - 1] = s;
      } else {
        dims[rank] = d;
        st[rank] = s;
        rank++;
      }
    }
    if (rank <= 1) {
      System.arraycopy(x, 0, out, 0, x.length);
      return out;
    }
    int r = rank;
    if (st[rank - 2] == 1 && st[rank - 1] == dims[rank - 2]) {
      // A batch of matrix transposes: tile for cache reuse.
      int rows = dims[rank - 2]; // output rows = input columns
      int cols = dims[rank - 1];
      int batch = x.length / (rows * cols);
      int[] bdims = java.util.Arrays.copyOf(dims, rank - 2);
      int[] bst = java.util.Arrays.copyOf(st, rank - 2);
      Parallel.forRange(batch, x.length, PARALLEL_MIN, (from, to) -> {
        for (int b = from; b < to; b++) {
          int src = 0;
          for (int d = r - 3, rem = b; d >= 0; d--) {
            src += (rem % bdims[d]) * bst[d];
            rem /= bdims[d];
          }
          transpose(x, src, out, b * rows * cols, rows, cols);
        }
      });
      return out;
    }
    int inner = dims[rank - 1];
    int innerStride = st[rank - 1];
    int outer = x.length / inner;
    Parallel.forRange(outer, x.length, PARALLEL_MIN, (from, to) -> {
      int[] idx = new int[r];
      int src = 0;
      for (int d = r - 2, rem = from; d >= 0; d--) {
        idx[d] = rem % dims[d];
        src += idx[d] * st[d];
        rem /= dims[d];
      }
      for (int row = from; row < to; row++) {
        int o = row * inner;
        if (innerStride == 1) {
          System.arraycopy(x, src, out, o, inner);
        } else {
          for (int i = 0, s = src; i < inner; i++, s += innerStride) {
            out[o + i] = x[s];
          }
        }
        for (int d = r - 2; d >= 0; d--) {
          src += st[d];
          if (++idx[d] < dims[d]) {
            break;
          }
          src -= st[d] * dims[d];
          idx[d] = 0;
        }
      }
    });
    return out;
  }

  /** Writes the transpose of the {@code (cols, rows)} matrix at {@code src} as {@code (rows, cols)}. */
  private static void transpose(float[] x, int src, float[] out, int dst, int rows, int cols) {
    for (int i0 = 0; i0 < rows; i0 += TILE) {
      int i1 = Math.min(rows, i0 + TILE);
      for (int j0 = 0; j0 < cols; j0 += TILE) {
        int j1 = Math.min(cols, j0 + TILE);
        for (int i = i0; i < i1; i++) {
          int o = dst + i * cols;
          for (int j = j0; j < j1; j++) {
            out[o + j] = x[src + j * rows + i];
          }
        }
      }
    }
  }

  /** NumPy broadcast of {@code x} (shape {@code shape}) to {@code target}. */
  public static float[] broadcastTo(float[] x, int[] shape, int[] target) {
    int size = 1;
    for (int d : target) {
      size *= d;
    }
    float[] out = new float[size];
    if (size == 0) {
      return out;
    }
    if (x.length == 1) {
      java.util.Arrays.fill(out, x[0]);
      return out;
    }
    if (x.length == size) {
      System.arraycopy(x, 0, out, 0, size);
      return out;
    }
    Strided v = Strided.of(target, shape);
    int inner = v.shape[v.rank - 1];
    int s = v.strides[0][v.rank - 1];
    int rows = size / inner;
    Parallel.forRange(rows, size, PARALLEL_MIN, (from, to) -> {
      int[] idx = v.index(from);
      int src = v.offset(idx, 0);
      for (int row = from; row < to; row++) {
        int o = row * inner;
        if (s == 1) {
          System.arraycopy(x, src, out, o, inner);
        } else {
          java.util.Arrays.fill(out, o, o + inner, x[src]);
        }
        for (int d = v.rank - 2; d >= 0; d--) {
          src += v.strides[0][d];
          if (++idx[d] < v.shape[d]) {
            break;
          }
          src -= v.strides[0][d] * v.shape[d];
          idx[d] = 0;
        }
      }
    });
    return out;
  }

  /** The strided box {@code [start, stop) by step} of {@code x}. */
  public static float[] slice(float[] x, int[] shape, int[] start, int[] stop, int[] step) {
    int[] box = boxShape(start, stop, step);
    float[] out = new float[size(box)];
    copyBox(x, shape, start, step, box, out, false);
    return out;
  }

  /** Zeros of {@code shape} with {@code box} written into the strided box (adjoint of slice). */
  public static float[] scatterSlice(float[] box, int[] shape, int[] start, int[] stop,
      int[] step) {
    float[] out = new float[size(shape)];
    copyBox(out, shape, start, step, boxShape(start, stop, step), box, true);
    return out;
  }

  /**
   * Copies between the strided box of {@code full} and the dense {@code dense}: box to dense, or
   * dense into the box when {@code scatter}.
   */
  private static void copyBox(float[] full, int[] shape, int[] start, int[] step, int[] box,
      float[] dense, boolean scatter) {
    int n = shape.length;
    if (dense.length == 0) {
      return;
    }
    if (n == 0) {
      if (scatter) {
        full[0] = dense[0];
      } else {
        dense[0] = full[0];
      }
      return;
    }
    int[] st = strides(shape);
    int base = 0;
    int[] bst = new int[n];
    for (int d = 0; d < n; d++) {
      base += start[d] * st[d];
      bst[d] = st[d] * step[d];
    }
    int inner = box[n - 1];
    int innerStep = bst[n - 1];
    int rows = dense.length / inner;
    int b0 = base;
    Parallel.forRange(rows, dense.length, PARALLEL_MIN, (from, to) -> {
      int[] idx = new int[n];
      int src = b0;
      for (int d = n - 2, rem = from; d >= 0; d--) {
        idx[d] = rem % box[d];
        src += idx[d] * bst[d];
        rem /= box[d];
      }
      for (int row = from; row < to; row++) {
        int o = row * inner;
        if (innerStep == 1) {
          if (scatter) {
            System.arraycopy(dense, o, full, src, inner);
          } else {
            System.arraycopy(full, src, dense, o, inner);
          }
        } else if (scatter) {
          for (int i = 0, s = src; i < inner; i++, s += innerStep) {
            full[s] = dense[o + i];
          }
        } else {
          for (int i = 0, s = src; i < inner; i++, s += innerStep) {
            dense[o + i] = full[s];
          }
        }
        for (int d = n - 2; d >= 0; d--) {
          src += bst[d];
          if (++idx[d] < box[d]) {
            break;
          }
          src -= bst[d] * box[d];
          idx[d] = 0;
        }
      }
    });
  }

  private static int[] boxShape(int[] start, int[] stop, int[] step) {
    int[] out = new int[start.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.max(0, (stop[i] - start[i] + step[i] - 1) / step[i]);
    }
    return out;
  }

  /** Parts joined along {@code axis} into {@code out}. */
  public static float[] concat(float[][] parts, int[][] shapes, int axis, int[] out) {
    float[] r = new float[size(out)];
    int outer = 1;
    for (int d = 0; d < axis; d++) {
      outer *= out[d];
    }
    int innerOut = outer == 0 ? 0 : r.length / outer;
    int[] chunk = new int[parts.length];
    int[] offset = new int[parts.length];
    for (int k = 0, o = 0; k < parts.length; k++) {
      chunk[k] = outer == 0 ? 0 : parts[k].length / outer;
      offset[k] = o;
      o += chunk[k];
    }
    Parallel.forRange(outer, r.length, PARALLEL_MIN, (from, to) -> {
      for (int i = from; i < to; i++) {
        for (int k = 0; k < parts.length; k++) {
          System.arraycopy(parts[k], i * chunk[k], r, i * innerOut + offset[k], chunk[k]);
        }
      }
    });
    return r;
  }

  /** Rows {@code indices} of {@code x} along axis 0. */
  public static float[] take(float[] x, int[] shape, int[] indices) {
    int row = shape[0] == 0 ? 0 : x.length / shape[0];
    float[] out = new float[indices.length * row];
    Parallel.forRange(indices.length, out.length, PARALLEL_MIN, (from, to) -> {
      for (int i = from; i < to; i++) {
        System.arraycopy(x, indices[i] * row, out, i * row, row);
      }
    });
    return out;
  }

  /** Row {@code i} of {@code x} summed into row {@code indices[i]} of {@code rows} zero rows. */
  public static float[] scatterAdd(float[] x, int[] shape, int[] indices, int rows) {
    int row = shape[0] == 0 ? 0 : x.length / shape[0];
    float[] out = new float[rows * row];
    // Parallel over the columns of a row: repeated indices never race.
    int chunks = Math.max(1, Math.min(Parallel.THREADS, row / 64));
    Parallel.forRange(chunks, x.length, PARALLEL_MIN, (from, to) -> {
      int c0 = (int) ((long) row * from / chunks);
      int c1 = (int) ((long) row * to / chunks);
      for (int i = 0; i < indices.length; i++) {
        int src = i * row;
        int dst = indices[i] * row;
        for (int c = c0; c < c1; c++) {
          out[dst + c] += x[src + c];
        }
      }
    });
    return out;
  }

  static int[] strides(int[] shape) {
    int[] st = new int[shape.length];
    int s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      st[i] = s;
      s *= shape[i];
    }
    return st;
  }

  static int size(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }
}
