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
   * {@code torch.nn.functional.conv{1,2,3}d(x, w, stride, padding, dilation, groups)}, no bias:
   * every output position gathers {@code x · w} from the input.
   *
   * @param <T> the caller's tensor type
   * @param make builds the result from its flat values and shape
   */
  public static <T> T conv(float[] xv, int[] xs, float[] wv, int[] ws, int[] stride,
      int[] padding, int[] dilation, int groups, BiFunction<float[], int[], T> make) {
    Taps t = Taps.of(ws, stride, padding, dilation);
    int[] in = to3(xs, 2, 1);
    int[] out = new int[3];
    for (int a = 0; a < 3; a++) {
      out[a] = (in[a] + 2 * t.p[a] - t.d[a] * (t.k[a] - 1) - 1) / t.s[a] + 1;
    }
    float[] y = t.sum(true, xv, wv, ws, xs[0], groups, out, in);
    return make.apply(y, shape(xs[0], ws[0], out, xs.length - 2));
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
    Taps t = Taps.of(ws, stride, padding, dilation);
    int[] in = to3(xs, 2, 1);
    int[] op = to3(outputPadding, 0, 0);
    int[] out = new int[3];
    for (int a = 0; a < 3; a++) {
      out[a] = (in[a] - 1) * t.s[a] - 2 * t.p[a] + t.d[a] * (t.k[a] - 1) + op[a] + 1;
    }
    float[] y = t.sum(false, xv, wv, ws, xs[0], groups, in, out);
    return make.apply(y, shape(xs[0], ws[1] * groups, out, xs.length - 2));
  }

  /** One kernel tap: flat 3-d positions in the walked grid, the kernel and the other grid. */
  @FunctionalInterface
  private interface Tap {
    void at(int at, int tap, int other);
  }

  /**
   * The index map both directions share, on three axes (lower ranks have unit leading axes):
   * the kernel size {@code k}, stride {@code s}, padding {@code p} and dilation {@code d}. The
   * weight of either direction is {@code (A, B/groups, *k)}, where the {@code A} channels live on
   * the grid that is walked — the output of a convolution, the input of a transposed one — and
   * the {@code B} channels on the other grid.
   */
  private record Taps(int[] k, int[] s, int[] p, int[] d) {
    static Taps of(int[] ws, int[] stride, int[] padding, int[] dilation) {
      return new Taps(to3(ws, 2, 1), to3(stride, 0, 1), to3(padding, 0, 0), to3(dilation, 0, 1));
    }

    /**
     * For every position {@code i} of the {@code walked} grid (in order) and every kernel
     * position {@code t} (in order), the position {@code i·s − p + t·d} of the {@code other} grid
     * when it lies inside it.
     */
    void walk(int[] walked, int[] other, Tap tap) {
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

    /**
     * The sums of {@code x · w} over the taps, accumulated in double, for a batch of {@code n}
     * and weight {@code w (A, B/groups, *k)}: each walked channel {@code a} meets the {@code
     * B/groups} channels of its group on the other grid. {@code walkOutput}: the walked grid is
     * the output (a convolution), else the input (a transposed convolution).
     */
    float[] sum(boolean walkOutput, float[] xv, float[] wv, int[] ws, int n, int groups,
        int[] walked, int[] other) {
      int walkedChannels = ws[0];
      int perGroup = ws[1];
      int walkedPerGroup = walkedChannels / groups;
      int otherChannels = perGroup * groups;
      int walkedSize = size(walked);
      int otherSize = size(other);
      int kSize = size(k);
      double[] y = new double[n * (walkOutput ? walkedChannels * walkedSize
          : otherChannels * otherSize)];
      for (int b = 0; b < n; b++) {
        for (int a = 0; a < walkedChannels; a++) {
          int aBase = (b * walkedChannels + a) * walkedSize;
          int g = a / walkedPerGroup;
          for (int j = 0; j < perGroup; j++) {
            int oBase = (b * otherChannels + g * perGroup + j) * otherSize;
            int wBase = (a * perGroup + j) * kSize;
            if (walkOutput) {
              walk(walked, other, (at, tap, o) ->
                  y[aBase + at] += (double) xv[oBase + o] * wv[wBase + tap]);
            } else {
              walk(walked, other, (at, tap, o) ->
                  y[oBase + o] += (double) xv[aBase + at] * wv[wBase + tap]);
            }
          }
        }
      }
      float[] yf = new float[y.length];
      for (int i = 0; i < y.length; i++) {
        yf[i] = (float) y[i];
      }
      return yf;
    }
  }

  private static int size(int[] extent3) {
    return extent3[0] * extent3[1] * extent3[2];
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
