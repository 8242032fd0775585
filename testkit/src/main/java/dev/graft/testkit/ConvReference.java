package dev.graft.testkit;

import java.util.function.BiFunction;

/**
 * Direct-loop reference convolutions, written to be obviously correct rather than fast: PyTorch
 * semantics and layouts for 1, 2 and 3 spatial dims with stride, padding, dilation and groups.
 * Tests in every module compare the real implementations against these.
 *
 * <ul>
 *   <li>{@link #conv}: {@code x (N, C, *S)}, {@code w (O, C/groups, *K)}.
 *   <li>{@link #convTranspose}: {@code x (N, Cin, *S)}, {@code w (Cin, Cout/groups, *K)}, with
 *       {@code outputPadding}.
 * </ul>
 *
 * <p>Operands are flat row-major values with their shapes, so this module needs no Graft
 * dependency (the runtime's own tests use it); {@code make} builds the caller's tensor from the
 * result's values and shape, e.g. {@code ConvReference.conv(x.toArray(), x.shape(), w.toArray(),
 * w.shape(), stride, padding, dilation, groups, Tensor::of)}.
 *
 * <p>Lower-rank problems are run as 3-d ones with unit leading spatial axes; accumulation is in
 * double.
 */
public final class ConvReference {
  private ConvReference() {}

  /**
   * {@code torch.nn.functional.conv{1,2,3}d(x, w, stride, padding, dilation, groups)}, no bias.
   *
   * @param <T> the caller's tensor type
   * @param make builds the result from its flat values and shape
   */
  public static <T> T conv(float[] xv, int[] xs, float[] wv, int[] ws, int[] stride,
      int[] padding, int[] dilation, int groups, BiFunction<float[], int[], T> make) {
    int r = xs.length - 2;
    int n = xs[0];
    int c = xs[1];
    int o = ws[0];
    int cg = c / groups;
    int og = o / groups;
    int[] in = to3(xs, 2, 1);
    int[] k = to3(ws, 2, 1);
    int[] s = to3(stride, 0, 1);
    int[] p = to3(padding, 0, 0);
    int[] d = to3(dilation, 0, 1);
    int[] out = new int[3];
    for (int a = 0; a < 3; a++) {
      out[a] = (in[a] + 2 * p[a] - d[a] * (k[a] - 1) - 1) / s[a] + 1;
    }
    int inSize = size(in);
    int kSize = size(k);
    int outSize = size(out);
    double[] y = new double[n * o * outSize];
    for (int b = 0; b < n; b++) {
      for (int oc = 0; oc < o; oc++) {
        int g = oc / og;
        int yBase = (b * o + oc) * outSize;
        for (int ic = 0; ic < cg; ic++) {
          int xBase = (b * c + g * cg + ic) * inSize;
          int wBase = (oc * cg + ic) * kSize;
          taps(out, k, in, s, p, d, (at, tap, from) ->
              y[yBase + at] += (double) xv[xBase + from] * wv[wBase + tap]);
        }
      }
    }
    return make.apply(toFloat(y), shape(n, o, out, r));
  }

  /**
   * {@code torch.nn.functional.conv_transpose{1,2,3}d(x, w, stride, padding, outputPadding,
   * groups, dilation)}, no bias: every input position scatters {@code x · w} into the output.
   *
   * @param <T> the caller's tensor type
   * @param make builds the result from its flat values and shape
   */
  public static <T> T convTranspose(float[] xv, int[] xs, float[] wv, int[] ws, int[] stride,
      int[] padding, int[] outputPadding, int[] dilation, int groups,
      BiFunction<float[], int[], T> make) {
    int r = xs.length - 2;
    int n = xs[0];
    int cin = xs[1];
    int cinG = cin / groups;
    int coutG = ws[1];
    int cout = coutG * groups;
    int[] in = to3(xs, 2, 1);
    int[] k = to3(ws, 2, 1);
    int[] s = to3(stride, 0, 1);
    int[] p = to3(padding, 0, 0);
    int[] op = to3(outputPadding, 0, 0);
    int[] d = to3(dilation, 0, 1);
    int[] out = new int[3];
    for (int a = 0; a < 3; a++) {
      out[a] = (in[a] - 1) * s[a] - 2 * p[a] + d[a] * (k[a] - 1) + op[a] + 1;
    }
    int inSize = size(in);
    int kSize = size(k);
    int outSize = size(out);
    double[] y = new double[n * cout * outSize];
    for (int b = 0; b < n; b++) {
      for (int ci = 0; ci < cin; ci++) {
        int g = ci / cinG;
        int xBase = (b * cin + ci) * inSize;
        for (int oc = 0; oc < coutG; oc++) {
          int yBase = (b * cout + g * coutG + oc) * outSize;
          int wBase = (ci * coutG + oc) * kSize;
          taps(in, k, out, s, p, d, (at, tap, to) ->
              y[yBase + to] += (double) xv[xBase + at] * wv[wBase + tap]);
        }
      }
    }
    return make.apply(toFloat(y), shape(n, cout, out, r));
  }

  /** One kernel tap: flat 3-d positions in the walked grid, the kernel and the other grid. */
  @FunctionalInterface
  private interface Tap {
    void at(int at, int tap, int other);
  }

  /**
   * The index map both directions share: for every position {@code i} of the {@code walked} grid
   * (in order) and every kernel position {@code t} (in order), the position {@code i·s − p + t·d}
   * of the {@code other} grid when it lies inside it. A convolution walks its output and reads
   * its input there; a transposed one walks its input and writes its output there.
   */
  private static void taps(int[] walked, int[] k, int[] other, int[] s, int[] p, int[] d,
      Tap tap) {
    for (int z = 0; z < walked[0]; z++) {
      for (int h = 0; h < walked[1]; h++) {
        for (int q = 0; q < walked[2]; q++) {
          int at = (z * walked[1] + h) * walked[2] + q;
          for (int kz = 0; kz < k[0]; kz++) {
            for (int kh = 0; kh < k[1]; kh++) {
              for (int kq = 0; kq < k[2]; kq++) {
                int oz = z * s[0] - p[0] + kz * d[0];
                int oh = h * s[1] - p[1] + kh * d[1];
                int oq = q * s[2] - p[2] + kq * d[2];
                if (oz >= 0 && oz < other[0] && oh >= 0 && oh < other[1] && oq >= 0
                    && oq < other[2]) {
                  tap.at(at, (kz * k[1] + kh) * k[2] + kq, (oz * other[1] + oh) * other[2] + oq);
                }
              }
            }
          }
        }
      }
    }
  }

  private static int size(int[] extent3) {
    return extent3[0] * extent3[1] * extent3[2];
  }

  private static float[] toFloat(double[] y) {
    float[] yf = new float[y.length];
    for (int i = 0; i < y.length; i++) {
      yf[i] = (float) y[i];
    }
    return yf;
  }

  /** The last {@code length - from} values of {@code a}, left-padded with {@code fill} to 3. */
  private static int[] to3(int[] a, int from, int fill) {
    int r = a.length - from;
    int[] out = new int[3];
    for (int i = 0; i < 3; i++) {
      int j = i - (3 - r);
      out[i] = j >= 0 ? a[from + j] : fill;
    }
    return out;
  }

  private static int[] shape(int n, int c, int[] out3, int r) {
    int[] s = new int[2 + r];
    s[0] = n;
    s[1] = c;
    System.arraycopy(out3, 3 - r, s, 2, r);
    return s;
  }
}
