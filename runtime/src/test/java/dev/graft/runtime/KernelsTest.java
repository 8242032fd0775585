package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.kernel.Elementwise;
import dev.graft.runtime.kernel.Elementwise.Binary;
import dev.graft.runtime.kernel.Elementwise.Unary;
import dev.graft.runtime.kernel.Im2col;
import dev.graft.runtime.kernel.Layout;
import dev.graft.runtime.kernel.Reductions;
import java.util.SplittableRandom;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

/**
 * The kernels against direct index-arithmetic references on random shapes, including sizes large
 * enough to take the multi-threaded paths.
 */
class KernelsTest {
  private final SplittableRandom rnd = new SplittableRandom(7);

  private float[] random(int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rnd.nextDouble(-2, 2);
    }
    return a;
  }

  private int[] randomShape(int rank, int maxDim) {
    int[] s = new int[rank];
    for (int i = 0; i < rank; i++) {
      s[i] = 1 + rnd.nextInt(maxDim);
    }
    return s;
  }

  /** Flat offset in {@code shape} of the output multi-index {@code idx} (right-aligned, broadcast). */
  private static int broadcastOffset(int[] idx, int[] shape) {
    int off = idx.length - shape.length;
    int o = 0;
    for (int d = 0; d < shape.length; d++) {
      int i = shape[d] == 1 ? 0 : idx[d + off];
      o = o * shape[d] + i;
    }
    return o;
  }

  private static int[] unravel(int flat, int[] shape) {
    int[] idx = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = flat % shape[d];
      flat /= shape[d];
    }
    return idx;
  }

  private static float naiveBinary(Binary p, float a, float b) {
    switch (p) {
      case ADD: return a + b;
      case SUB: return a - b;
      case MUL: return a * b;
      case DIV: return a / b;
      case POW: return (float) Math.pow(a, b);
      case MAXIMUM: return Math.max(a, b);
      case GREATER: return a > b ? 1 : 0;
      case EQUAL: return a == b ? 1 : 0;
      default: throw new AssertionError(p);
    }
  }

  @Test
  void binaryBroadcastMatchesIndexArithmetic() {
    Binary[] ops = Binary.values();
    for (int trial = 0; trial < 300; trial++) {
      boolean big = trial % 10 == 0;
      int rank = big ? 3 : rnd.nextInt(5);
      int[] out = randomShape(rank, big ? 40 : 5);
      int[] as = maskToOnes(dropLeading(out), 0.4);
      int[] bs = maskToOnes(dropLeading(out), 0.4);
      int[] o = Shapes.broadcast("t", as, bs);
      float[] a = random(Shapes.size(as));
      float[] b = random(Shapes.size(bs));
      if (rnd.nextInt(4) == 0) {
        b = a.length == b.length ? a.clone() : b; // exercise EQUAL
      }
      Binary p = ops[rnd.nextInt(ops.length)];
      float[] got = Elementwise.binary(p, a, as, b, bs, o);
      float[] want = new float[Shapes.size(o)];
      for (int i = 0; i < want.length; i++) {
        int[] idx = unravel(i, o);
        want[i] = naiveBinary(p, a[broadcastOffset(idx, as)], b[broadcastOffset(idx, bs)]);
      }
      assertArrayEquals(want, got, 0f, p + " " + Shapes.format(as) + " " + Shapes.format(bs));
    }
  }

  private int[] dropLeading(int[] s) {
    int k = s.length == 0 ? 0 : rnd.nextInt(s.length + 1);
    return java.util.Arrays.copyOfRange(s, k, s.length);
  }

  private int[] maskToOnes(int[] s, double prob) {
    int[] r = s.clone();
    for (int i = 0; i < r.length; i++) {
      if (rnd.nextDouble() < prob) {
        r[i] = 1;
      }
    }
    return r;
  }

  @Test
  void biasAddAndLargeShapes() {
    int[] xs = {256, 1024};
    int[] bs = {1024};
    float[] x = random(256 * 1024);
    float[] b = random(1024);
    float[] got = Elementwise.binary(Binary.ADD, x, xs, b, bs, xs);
    for (int i = 0; i < got.length; i++) {
      assertEquals(x[i] + b[i % 1024], got[i], 0f);
    }
    float[] col = random(256);
    got = Elementwise.binary(Binary.MUL, x, xs, col, new int[] {256, 1}, xs);
    for (int i = 0; i < got.length; i++) {
      assertEquals(x[i] * col[i / 1024], got[i], 0f);
    }
    float[] s = Reductions.sum(x, xs, new int[] {0});
    for (int j = 0; j < 1024; j += 37) {
      double acc = 0;
      for (int i = 0; i < 256; i++) {
        acc += x[i * 1024 + j];
      }
      assertEquals(acc, s[j], 1e-4);
    }
  }

  @Test
  void fullReductionsOfLargeArrays() {
    int[] xs = {256, 1024};
    float[] x = random(256 * 1024);
    x[123_457] = 7f;
    double want = 0;
    for (float v : x) {
      want += v;
    }
    assertEquals(want, Reductions.sum(x, xs, new int[] {0, 1})[0], 1e-3);
    assertEquals(7f, Reductions.max(x, xs, new int[] {0, 1})[0]);
    float[] rows = Reductions.max(x, new int[] {2, 256 * 512}, new int[] {1});
    assertEquals(7f, rows[0]);
    assertTrue(rows[1] < 7f);
  }

  @Test
  void tanhMatchesMath() {
    float[] x = new float[40_001];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i - 20_000) * 1e-3f;
    }
    x[20_001] = 1e-30f;
    x[20_002] = Float.NEGATIVE_INFINITY;
    float[] y = Elementwise.unary(Unary.TANH, x);
    for (int i = 0; i < x.length; i++) {
      float want = (float) Math.tanh(x[i]);
      assertEquals(want, y[i], Math.ulp(want), "tanh(" + x[i] + ")");
    }
    assertTrue(Float.isNaN(Elementwise.unary(Unary.TANH, new float[] {Float.NaN})[0]));
  }

  @Test
  void unaryValues() {
    float[] x = {-3f, -0.5f, 0f, 0.25f, 2f};
    assertArrayEquals(new float[] {3f, 0.5f, -0f, -0.25f, -2f}, Elementwise.unary(Unary.NEG, x));
    assertArrayEquals(new float[] {0f, 0f, 0f, 0.25f, 2f}, Elementwise.unary(Unary.RELU, x));
    assertArrayEquals(new float[] {-1f, -1f, 0f, 1f, 1f}, Elementwise.unary(Unary.SIGN, x));
    float[] gelu = Elementwise.unary(Unary.GELU, x);
    for (int i = 0; i < x.length; i++) {
      double want = x[i] * 0.5 * (1 + Erf.erf(x[i] / Math.sqrt(2)));
      assertEquals(want, gelu[i], 1e-6);
    }
    float[] big = random(100_000);
    float[] e = Elementwise.unary(Unary.EXP, big);
    for (int i = 0; i < big.length; i += 97) {
      float want = (float) Math.exp(big[i]);
      assertEquals(want, e[i], Math.ulp(want));
    }
  }

  /** Dense sweeps of the float polynomial functions against double-precision Math. */
  @Test
  void transcendentalsAreFloatAccurate() {
    float[] x = new float[200_001];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i - 100_000) * 1e-3f; // [-100, 100]
    }
    float[] exp = Elementwise.unary(Unary.EXP, x);
    float[] sig = Elementwise.unary(Unary.SIGMOID, x);
    float[] gelu = Elementwise.unary(Unary.GELU, x);
    for (int i = 0; i < x.length; i++) {
      double v = x[i];
      float we = (float) Math.exp(v);
      assertEquals(we, exp[i], Math.max(Math.ulp(we), Float.MIN_VALUE), "exp " + v);
      float ws = (float) (1 / (1 + Math.exp(-v)));
      assertEquals(ws, sig[i], 2 * Math.max(Math.ulp(ws), Float.MIN_NORMAL), "sigmoid " + v);
      double wg = v * 0.5 * Erf.erfc(-v / Math.sqrt(2));
      assertEquals(wg, gelu[i], 2e-7 * Math.max(1, Math.abs(v)), "gelu " + v);
    }
    float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -200f, 200f};
    assertArrayEquals(new float[] {Float.NaN, Float.POSITIVE_INFINITY, 0f, 0f,
        Float.POSITIVE_INFINITY}, Elementwise.unary(Unary.EXP, specials));
    assertArrayEquals(new float[] {Float.NaN, 1f, 0f, 0f, 1f},
        Elementwise.unary(Unary.SIGMOID, specials));
    assertArrayEquals(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NaN, -0f, 200f},
        Elementwise.unary(Unary.GELU, specials));
  }

  @Test
  void erfIsFloatAccurate() {
    double worst = 0;
    for (int i = -20_000; i <= 20_000; i++) {
      double x = i * 4e-4 + 1e-5;
      worst = Math.max(worst, Math.abs(Elementwise.erf(x) - Erf.erf(x)));
    }
    assertTrue(worst < 2e-7, "max |erf error| " + worst);
    // Relative accuracy near zero.
    for (double x : new double[] {1e-30, 1e-8, 1e-3, 0.3}) {
      assertEquals(Erf.erf(x), Elementwise.erf(x), Math.abs(Erf.erf(x)) * 1e-12);
    }
  }

  @Test
  void permuteMatchesIndexArithmetic() {
    for (int trial = 0; trial < 200; trial++) {
      boolean big = trial % 20 == 0; // big enough for the parallel paths
      int rank = big ? 2 + rnd.nextInt(2) : 1 + rnd.nextInt(5);
      int[] s = randomShape(rank, big ? 70 : 5);
      int[] perm = randomPerm(rank);
      float[] x = random(Shapes.size(s));
      float[] got = Layout.permute(x, s, perm);
      int[] os = new int[rank];
      for (int i = 0; i < rank; i++) {
        os[i] = s[perm[i]];
      }
      int[] st = Shapes.strides(s);
      for (int i = 0; i < got.length; i++) {
        int[] idx = unravel(i, os);
        int src = 0;
        for (int d = 0; d < rank; d++) {
          src += idx[d] * st[perm[d]];
        }
        assertEquals(x[src], got[i], 0f);
      }
    }
  }

  private int[] randomPerm(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  @Test
  void broadcastToMatchesIndexArithmetic() {
    for (int trial = 0; trial < 200; trial++) {
      boolean big = trial % 20 == 0;
      int[] target = randomShape(big ? 3 : rnd.nextInt(5), big ? 50 : 5);
      int[] s = maskToOnes(dropLeading(target), 0.5);
      float[] x = random(Shapes.size(s));
      float[] got = Layout.broadcastTo(x, s, target);
      for (int i = 0; i < got.length; i++) {
        assertEquals(x[broadcastOffset(unravel(i, target), s)], got[i], 0f);
      }
    }
  }

  @Test
  void sliceAndScatterSliceAreAdjoint() {
    for (int trial = 0; trial < 200; trial++) {
      int rank = rnd.nextInt(4);
      int[] s = randomShape(rank, 7);
      int[] start = new int[rank];
      int[] stop = new int[rank];
      int[] step = new int[rank];
      for (int d = 0; d < rank; d++) {
        start[d] = rnd.nextInt(s[d] + 1);
        stop[d] = start[d] + rnd.nextInt(s[d] - start[d] + 1);
        step[d] = 1 + rnd.nextInt(3);
      }
      Params.Slice sl = new Params.Slice(s, start, stop, step);
      int[] box = sl.resultShape();
      float[] x = random(Shapes.size(s));
      float[] got = Layout.slice(x, s, start, stop, step);
      int[] st = Shapes.strides(s);
      for (int i = 0; i < got.length; i++) {
        int[] idx = unravel(i, box);
        int src = 0;
        for (int d = 0; d < rank; d++) {
          src += (start[d] + idx[d] * step[d]) * st[d];
        }
        assertEquals(x[src], got[i], 0f);
      }
      float[] y = random(got.length);
      float[] back = Layout.scatterSlice(y, s, start, stop, step);
      assertEquals(dot(got, y), dot(x, back), 1e-4);
    }
  }

  @Test
  void concatTakeScatterAdd() {
    float[] a = {1, 2, 3, 4};
    float[] b = {5, 6};
    assertArrayEquals(new float[] {1, 2, 5, 3, 4, 6},
        Layout.concat(new float[][] {a, b}, new int[][] {{2, 2}, {2, 1}}, 1, new int[] {2, 3}));
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6},
        Layout.concat(new float[][] {a, b}, new int[][] {{2, 2}, {1, 2}}, 0, new int[] {3, 2}));
    float[] x = {1, 2, 3, 4, 5, 6};
    assertArrayEquals(new float[] {5, 6, 1, 2, 5, 6},
        Layout.take(x, new int[] {3, 2}, new int[] {2, 0, 2}));
    assertArrayEquals(new float[] {3, 4, 0, 0, 6, 8},
        Layout.scatterAdd(x, new int[] {3, 2}, new int[] {2, 0, 2}, 3));
    float[] big = random(50 * 1000);
    int[] idx = new int[50];
    for (int i = 0; i < 50; i++) {
      idx[i] = i % 7;
    }
    float[] sa = Layout.scatterAdd(big, new int[] {50, 1000}, idx, 7);
    for (int r = 0; r < 7; r++) {
      for (int c = 0; c < 1000; c += 13) {
        double want = 0;
        for (int i = r; i < 50; i += 7) {
          want += big[i * 1000 + c];
        }
        assertEquals(want, sa[r * 1000 + c], 1e-4);
      }
    }
  }

  @Test
  void reductionsMatchIndexArithmetic() {
    for (int trial = 0; trial < 200; trial++) {
      boolean big = trial % 20 == 0;
      int rank = big ? 3 : 1 + rnd.nextInt(4);
      int[] s = randomShape(rank, big ? 60 : 5);
      java.util.List<Integer> ax = new java.util.ArrayList<>();
      for (int d = 0; d < rank; d++) {
        if (rnd.nextBoolean()) {
          ax.add(d);
        }
      }
      int[] axes = ax.stream().mapToInt(Integer::intValue).toArray();
      float[] x = random(Shapes.size(s));
      int[] os = Shapes.reduced(s, axes, true);
      double[] sum = new double[Shapes.size(os)];
      float[] max = new float[sum.length];
      java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
      for (int i = 0; i < x.length; i++) {
        int[] idx = unravel(i, s);
        int o = broadcastOffset(idx, os);
        sum[o] += x[i];
        max[o] = Math.max(max[o], x[i]);
      }
      float[] gs = Reductions.sum(x, s, axes);
      float[] gm = Reductions.max(x, s, axes);
      assertEquals(sum.length, gs.length);
      for (int i = 0; i < sum.length; i++) {
        assertEquals(sum[i], gs[i], 1e-4);
      }
      assertArrayEquals(max, gm, 0f);
    }
  }

  @Test
  void softmaxMatchesDirectFormula() {
    for (int trial = 0; trial < 100; trial++) {
      boolean big = trial % 10 == 0;
      int rank = big ? 3 : 1 + rnd.nextInt(4);
      int[] s = randomShape(rank, big ? 40 : 6);
      int axis = rnd.nextInt(rank);
      float[] x = random(Shapes.size(s));
      for (int i = 0; i < x.length; i++) {
        x[i] *= 30; // large logits: stability matters
      }
      float[] sm = Reductions.softmax(x, s, axis, false);
      float[] lsm = Reductions.softmax(x, s, axis, true);
      int[] os = s.clone();
      os[axis] = 1;
      double[] mx = new double[Shapes.size(os)];
      java.util.Arrays.fill(mx, Double.NEGATIVE_INFINITY);
      double[] z = new double[mx.length];
      for (int i = 0; i < x.length; i++) {
        int o = broadcastOffset(unravel(i, s), os);
        mx[o] = Math.max(mx[o], x[i]);
      }
      for (int i = 0; i < x.length; i++) {
        int o = broadcastOffset(unravel(i, s), os);
        z[o] += Math.exp(x[i] - mx[o]);
      }
      for (int i = 0; i < x.length; i++) {
        int o = broadcastOffset(unravel(i, s), os);
        double ls = x[i] - mx[o] - Math.log(z[o]);
        assertEquals(Math.exp(ls), sm[i], 1e-6);
        assertEquals(ls, lsm[i], 1e-4 * Math.max(1, Math.abs(ls)));
      }
    }
  }

  @Test
  void im2colMatchesDirectLoopsAndCol2imIsItsAdjoint() {
    for (int trial = 0; trial < 150; trial++) {
      int r = 1 + rnd.nextInt(3);
      int n = 1 + rnd.nextInt(2);
      int c = 1 + rnd.nextInt(3);
      int[] sp = new int[r];
      int[] ker = new int[r];
      int[] str = new int[r];
      int[] pad = new int[r];
      int[] dil = new int[r];
      boolean ok = true;
      for (int d = 0; d < r; d++) {
        sp[d] = 1 + rnd.nextInt(r == 3 ? 5 : 8);
        ker[d] = 1 + rnd.nextInt(3);
        str[d] = 1 + rnd.nextInt(3);
        pad[d] = rnd.nextInt(3);
        dil[d] = 1 + rnd.nextInt(2);
      }
      Params.Patches g = new Params.Patches(sp, ker, str, pad, dil);
      int[] os = g.outSpatial();
      for (int o : os) {
        ok &= o > 0;
      }
      if (!ok) {
        continue;
      }
      int k = Shapes.size(ker);
      int l = Shapes.size(os);
      int img = Shapes.size(sp);
      float[] x = random(n * c * img);
      float[] cols = Im2col.im2col(x, n, c, g.spatial(), g.kernel(),
          g.stride(), g.padding(), g.dilation());
      assertEquals(n * c * k * l, cols.length);
      for (int ni = 0; ni < n; ni++) {
        for (int ci = 0; ci < c; ci++) {
          for (int kk = 0; kk < k; kk++) {
            int[] kp = unravel(kk, ker);
            for (int ll = 0; ll < l; ll++) {
              int[] op = unravel(ll, os);
              int src = 0;
              boolean inside = true;
              for (int d = 0; d < r; d++) {
                int i = op[d] * str[d] - pad[d] + kp[d] * dil[d];
                inside &= i >= 0 && i < sp[d];
                src = src * sp[d] + i;
              }
              float want = inside ? x[(ni * c + ci) * img + src] : 0f;
              assertEquals(want, cols[((ni * c + ci) * k + kk) * l + ll], 0f, g.toString());
            }
          }
        }
      }
      float[] y = random(cols.length);
      float[] back = Im2col.col2im(y, n, c, g.spatial(), g.kernel(),
          g.stride(), g.padding(), g.dilation());
      assertEquals(dot(cols, y), dot(x, back), 1e-3, g.toString());
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
