package dev.graft.runtime.kernel;

/**
 * The patch extraction under convolution, and its adjoint. A window is given by five arrays of
 * the same length (1, 2 or 3 spatial axes): the input's {@code spatial} size and the
 * {@code kernel}, {@code stride}, {@code padding} and {@code dilation} along each axis.
 */
public final class Im2col {
  private static final long PARALLEL_MIN = Elementwise.PARALLEL_MIN;

  private Im2col() {}

  /**
   * {@code x (n, c, *spatial)} to columns {@code (n, c·prod(kernel), prod(outSpatial))}; row
   * index is {@code ci·K + kernel position} (row-major over kernel axes).
   */
  public static float[] im2col(float[] x, int n, int c, int[] spatial, int[] kernel,
      int[] stride, int[] padding, int[] dilation) {
    Geometry q = new Geometry(spatial, kernel, stride, padding, dilation);
    float[] cols = new float[n * c * q.k * q.l];
    Parallel.forRange(n * c, (long) cols.length, PARALLEL_MIN, (from, to) -> {
      for (int t = from; t < to; t++) {
        q.patches(x, t * q.image, cols, t * q.k * q.l, false);
      }
    });
    return cols;
  }

  /** The adjoint of {@link #im2col}: columns summed back into {@code (n, c, *spatial)}. */
  public static float[] col2im(float[] cols, int n, int c, int[] spatial, int[] kernel,
      int[] stride, int[] padding, int[] dilation) {
    Geometry q = new Geometry(spatial, kernel, stride, padding, dilation);
    float[] x = new float[n * c * q.image];
    Parallel.forRange(n * c, (long) cols.length, PARALLEL_MIN, (from, to) -> {
      for (int t = from; t < to; t++) {
        q.patches(x, t * q.image, cols, t * q.k * q.l, true);
      }
    });
    return x;
  }

  /** A 1-, 2- or 3-d geometry seen as 3-d, with leading unit axes. */
  private static final class Geometry {
    final int[] in = new int[3];
    final int[] ker = new int[3];
    final int[] str = new int[3];
    final int[] pad = new int[3];
    final int[] dil = new int[3];
    final int[] out = new int[3];
    final int image;
    final int k;
    final int l;

    Geometry(int[] spatial, int[] kernel, int[] stride, int[] padding, int[] dilation) {
      int r = spatial.length;
      for (int i = 0; i < 3; i++) {
        int j = i - (3 - r);
        boolean real = j >= 0;
        in[i] = real ? spatial[j] : 1;
        ker[i] = real ? kernel[j] : 1;
        str[i] = real ? stride[j] : 1;
        pad[i] = real ? padding[j] : 0;
        dil[i] = real ? dilation[j] : 1;
        out[i] = real ? (in[i] + 2 * pad[i] - dil[i] * (ker[i] - 1) - 1) / str[i] + 1 : 1;
      }
      image = in[0] * in[1] * in[2];
      k = ker[0] * ker[1] * ker[2];
      l = out[0] * out[1] * out[2];
    }

    /**
     * For one (sample, channel) image at {@code xo} and its {@code k × l} column block at
     * {@code co}: copies patches into the columns, or (when {@code add}) sums columns back into
     * the image. Out-of-image positions are zero columns and are skipped.
     */
    void patches(float[] x, int xo, float[] cols, int co, boolean add) {
      int hw = in[1] * in[2];
      int ohw = out[1] * out[2];
      int row = co;
      for (int kd = 0; kd < ker[0]; kd++) {
        for (int kh = 0; kh < ker[1]; kh++) {
          for (int kw = 0; kw < ker[2]; kw++, row += l) {
            int offW = kw * dil[2] - pad[2];
            int lo = offW >= 0 ? 0 : ceilDiv(-offW, str[2]);
            int hi = in[2] - offW <= 0 ? 0 : Math.min(out[2], ceilDiv(in[2] - offW, str[2]));
            if (lo >= hi) {
              continue;
            }
            for (int od = 0; od < out[0]; od++) {
              int id = od * str[0] - pad[0] + kd * dil[0];
              if (id < 0 || id >= in[0]) {
                continue;
              }
              for (int oh = 0; oh < out[1]; oh++) {
                int ih = oh * str[1] - pad[1] + kh * dil[1];
                if (ih < 0 || ih >= in[1]) {
                  continue;
                }
                int src = xo + id * hw + ih * in[2] + offW;
                int dst = row + od * ohw + oh * out[2];
                int sw = str[2];
                if (add && sw == 1) {
                  for (int ow = lo; ow < hi; ow++) {
                    x[src + ow] += cols[dst + ow];
                  }
                } else if (add) {
                  for (int ow = lo; ow < hi; ow++) {
                    x[src + ow * sw] += cols[dst + ow];
                  }
                } else if (sw == 1) {
                  System.arraycopy(x, src + lo, cols, dst + lo, hi - lo);
                } else {
                  for (int ow = lo; ow < hi; ow++) {
                    cols[dst + ow] = x[src + ow * sw];
                  }
                }
              }
            }
          }
        }
      }
    }

    private static int ceilDiv(int a, int b) {
      return (a + b - 1) / b;
    }
  }
}
