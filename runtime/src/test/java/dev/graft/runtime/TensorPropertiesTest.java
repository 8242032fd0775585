package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Algebraic laws of the {@link Tensor} operations on random shapes and values. */
class TensorPropertiesTest {

  /** Random tensors and axes drawn from one seed, printed by shape when a law fails. */
  static final class World {
    final SplittableRandom rnd;

    World(long seed) {
      rnd = new SplittableRandom(seed);
    }

    int[] shape(int maxRank, int maxDim) {
      int[] s = new int[rnd.nextInt(maxRank + 1)];
      for (int i = 0; i < s.length; i++) {
        s[i] = 1 + rnd.nextInt(maxDim);
      }
      return s;
    }

    Tensor tensor(int... shape) {
      float[] d = new float[Shapes.size(shape)];
      for (int i = 0; i < d.length; i++) {
        d[i] = (float) rnd.nextDouble(-3, 3);
      }
      return Tensor.of(d, shape);
    }

    /** {@code s} with some leading axes dropped and some others set to 1. */
    int[] broadcastable(int[] s) {
      int drop = rnd.nextInt(s.length + 1);
      int[] r = Arrays.copyOfRange(s, drop, s.length);
      for (int i = 0; i < r.length; i++) {
        if (rnd.nextInt(3) == 0) {
          r[i] = 1;
        }
      }
      return r;
    }

    int[] permutation(int n) {
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
  }

  private static Gen<World> worlds() {
    return longs().all().map(World::new);
  }

  private static void close(Tensor want, Tensor got, double tol) {
    assertArrayEquals(want.shape(), got.shape(), "shape");
    assertTrue(got.allClose(want, tol, tol), () -> want + " vs " + got + ", max diff "
        + got.maxAbsDiff(want));
  }

  // ------------------------------------------------------------------ broadcasting

  @Test
  void plusAndTimesCommuteUnderBroadcast() {
    qt().withExamples(200).forAll(worlds()).checkAssert(w -> {
      int[] s = w.shape(4, 4);
      Tensor a = w.tensor(w.broadcastable(s));
      Tensor b = w.tensor(w.broadcastable(s));
      assertEquals(a.plus(b), b.plus(a));
      assertEquals(a.times(b), b.times(a));
      assertEquals(a.maximum(b), b.maximum(a));
    });
  }

  @Test
  void broadcastingEqualsExplicitBroadcastThenOp() {
    qt().withExamples(200).forAll(worlds()).checkAssert(w -> {
      int[] s = w.shape(4, 4);
      Tensor a = w.tensor(w.broadcastable(s));
      Tensor b = w.tensor(w.broadcastable(s)).plus(4f); // keep away from 0 for div
      int[] out = Shapes.broadcast("t", a.shape(), b.shape());
      Tensor ea = a.broadcastTo(out);
      Tensor eb = b.broadcastTo(out);
      assertEquals(ea.plus(eb), a.plus(b));
      assertEquals(ea.minus(eb), a.minus(b));
      assertEquals(ea.times(eb), a.times(b));
      assertEquals(ea.div(eb), a.div(b));
      assertEquals(ea.abs().pow(eb), a.abs().pow(b));
      assertEquals(ea.greater(eb), a.greater(b));
      assertEquals(ea.equalTo(eb), a.equalTo(b));
      assertEquals(ea.maximum(eb), a.maximum(b));
    });
  }

  @Test
  void addingZeroIsIdentity() {
    qt().withExamples(200).forAll(worlds()).checkAssert(w -> {
      int[] s = w.shape(4, 5);
      Tensor a = w.tensor(s);
      assertEquals(a, a.plus(Tensor.zeros(w.broadcastable(s))));
      assertEquals(a, a.plus(0f));
      assertEquals(a, a.times(1f));
    });
  }

  // ------------------------------------------------------------------ shape

  @Test
  void reshapeRoundTrips() {
    qt().withExamples(200).forAll(worlds()).checkAssert(w -> {
      int[] s = w.shape(4, 4);
      Tensor a = w.tensor(s);
      // Split the elements into a random new shape: reshape there and back.
      int n = Shapes.size(s);
      List<Integer> dims = new ArrayList<>();
      int left = n;
      for (int f = 2; f <= left; f++) {
        while (left % f == 0 && w.rnd.nextBoolean()) {
          dims.add(f);
          left /= f;
        }
      }
      dims.add(left);
      int[] t = dims.stream().mapToInt(Integer::intValue).toArray();
      assertEquals(a, a.reshape(t).reshape(s));
      assertArrayEquals(new int[] {n}, a.reshape(-1).shape());
      assertArrayEquals(a.toArray(), a.reshape(t).toArray());
    });
  }

  @Test
  void transposeTwiceIsIdentity() {
    qt().withExamples(200).forAll(worlds()).checkAssert(w -> {
      int[] s = w.shape(4, 5);
      if (s.length < 2) {
        return;
      }
      Tensor a = w.tensor(s);
      assertEquals(a, a.transpose().transpose());
    });
  }

  @Test
  void permuteThenInverseIsIdentity() {
    qt().withExamples(200).forAll(worlds()).checkAssert(w -> {
      int[] s = w.shape(5, 4);
      Tensor a = w.tensor(s);
      int[] p = w.permutation(s.length);
      int[] inv = new int[p.length];
      for (int i = 0; i < p.length; i++) {
        inv[p[i]] = i;
      }
      Tensor b = a.permute(p);
      for (int i = 0; i < p.length; i++) {
        assertEquals(s[p[i]], b.dim(i));
      }
      assertEquals(a, b.permute(inv));
    });
  }

  @Test
  void concatThenSliceRecoversParts() {
    qt().withExamples(200).forAll(worlds()).checkAssert(w -> {
      int[] s = w.shape(4, 4);
      if (s.length == 0) {
        return;
      }
      int axis = w.rnd.nextInt(s.length);
      int k = 1 + w.rnd.nextInt(3);
      List<Tensor> parts = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        int[] ps = s.clone();
        ps[axis] = w.rnd.nextInt(4);
        parts.add(w.tensor(ps));
      }
      Tensor c = Tensor.concat(parts, axis);
      int at = 0;
      for (Tensor part : parts) {
        int len = part.dim(axis);
        assertEquals(part, c.slice(axis, at, at + len));
        at += len;
      }
      assertEquals(at, c.dim(axis));
    });
  }

  @Test
  void stridedGetMatchesValue() {
    qt().withExamples(200).forAll(worlds()).checkAssert(w -> {
      int[] s = w.shape(3, 6);
      if (s.length == 0) {
        return;
      }
      Tensor a = w.tensor(s);
      Index[] ix = new Index[s.length];
      int[][] picks = new int[s.length][];
      for (int d = 0; d < s.length; d++) {
        int start = w.rnd.nextInt(-s[d], s[d]);
        int stop = w.rnd.nextInt(-s[d], s[d] + 2);
        int step = 1 + w.rnd.nextInt(3);
        ix[d] = Index.range(start, stop, step);
        int b = Math.max(0, Math.min(s[d], start < 0 ? start + s[d] : start));
        int e = Math.max(0, Math.min(s[d], stop < 0 ? stop + s[d] : stop));
        List<Integer> p = new ArrayList<>();
        for (int i = b; i < e; i += step) {
          p.add(i);
        }
        picks[d] = p.stream().mapToInt(Integer::intValue).toArray();
      }
      Tensor g = a.get(ix);
      int[] gs = g.shape();
      for (int d = 0; d < s.length; d++) {
        assertEquals(picks[d].length, gs[d]);
      }
      for (int flat = 0; flat < g.size(); flat++) {
        int[] at = new int[gs.length];
        int[] src = new int[gs.length];
        for (int d = gs.length - 1, r = flat; d >= 0; d--) {
          at[d] = r % gs[d];
          src[d] = picks[d][at[d]];
          r /= gs[d];
        }
        assertEquals(a.value(src), g.value(at));
      }
    });
  }

  // ------------------------------------------------------------------ reductions

  @Test
  void sumOverAllAxesEqualsSumOneAxisAtATime() {
    qt().withExamples(200).forAll(worlds()).checkAssert(w -> {
      int[] s = w.shape(4, 5);
      Tensor a = w.tensor(s);
      Tensor stepwise = a;
      for (int d = s.length - 1; d >= 0; d--) {
        stepwise = stepwise.sum(w.rnd.nextBoolean() ? d : -1); // axis d is the last one left
      }
      close(a.sum(), stepwise, 1e-4);
      // Any subset of axes: all at once equals one at a time (highest first).
      int[] axes = w.rnd.ints(s.length, 0, 2).toArray();
      List<Integer> chosen = new ArrayList<>();
      for (int d = 0; d < s.length; d++) {
        if (axes[d] == 1) {
          chosen.add(d);
        }
      }
      if (chosen.isEmpty()) {
        return;
      }
      Tensor once = a.sum(chosen.stream().mapToInt(Integer::intValue).toArray());
      Tensor each = a;
      for (int i = chosen.size() - 1; i >= 0; i--) {
        each = each.sum(chosen.get(i));
      }
      close(once, each, 1e-4);
      Tensor kept = a.sum(chosen.stream().mapToInt(Integer::intValue).toArray(), true);
      assertArrayEquals(once.toArray(), kept.toArray());
      assertEquals(s.length, kept.ndim());
    });
  }

  @Test
  void maxIsAttainedAndBoundsEveryValue() {
    qt().withExamples(200).forAll(worlds()).checkAssert(w -> {
      int[] s = w.shape(4, 5);
      if (s.length == 0) {
        return;
      }
      Tensor a = w.tensor(s);
      int axis = w.rnd.nextInt(s.length);
      Tensor m = a.max(new int[] {axis}, true);
      assertEquals(0f, a.greater(m).sum().item());
      // Every slice along the axis attains its maximum somewhere.
      Tensor hits = a.equalTo(m).sum(new int[] {axis}, true);
      assertEquals(0f, Tensor.ones(hits.shape()).greater(hits).sum().item());
    });
  }

  @Test
  void softmaxSumsToOneAndLogSoftmaxIsItsLog() {
    qt().withExamples(200).forAll(worlds()).checkAssert(w -> {
      int[] s = w.shape(4, 6);
      if (s.length == 0) {
        return;
      }
      Tensor a = w.tensor(s).times(10f);
      int axis = w.rnd.nextInt(s.length);
      Tensor sm = a.softmax(axis);
      Tensor sums = sm.sum(axis);
      close(Tensor.ones(sums.shape()), sums, 1e-5);
      assertEquals(0f, Tensor.zeros(s).greater(sm).sum().item());
      close(sm.log(), a.logSoftmax(axis), 1e-4);
      // Shift invariance.
      close(sm, a.plus(100f).softmax(axis), 1e-4);
    });
  }
}
