package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Hand-checked examples for every {@link Tensor} operation and its error messages. */
class TensorTest {
  private static final float EPS = 1e-6f;

  private static Tensor t(float[] data, int... shape) {
    return Tensor.of(data, shape);
  }

  private static float[] f(float... v) {
    return v;
  }

  /** Shape exactly; values to {@code 1e-6} relative to {@code max(1, |expected|)}. */
  private static void assertTensor(float[] data, int[] shape, Tensor actual) {
    assertArrayEquals(shape, actual.shape(), () -> "shape of " + actual);
    float[] got = actual.toArray();
    assertEquals(data.length, got.length, () -> "size of " + actual);
    for (int i = 0; i < data.length; i++) {
      float tol = EPS * Math.max(1f, Math.abs(data[i]));
      int at = i;
      assertEquals(data[i], got[i], tol, () -> "value " + at + " of " + actual);
    }
  }

  private static int[] s(int... shape) {
    return shape;
  }

  private static String error(Class<? extends Throwable> type, Runnable r) {
    return assertThrows(type, r::run).getMessage();
  }

  /** (2, 3): [[1, 2, 3], [4, 5, 6]]. */
  private static final Tensor M = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);

  @Nested
  class Factories {
    @Test
    void ofCopiesItsInput() {
      float[] d = {1, 2};
      Tensor x = Tensor.of(d, 2);
      d[0] = 99;
      assertTensor(f(1, 2), s(2), x);
      float[] out = x.toArray();
      out[1] = 99;
      assertTensor(f(1, 2), s(2), x);
    }

    @Test
    void ofRejectsWrongSize() {
      assertEquals("Tensor.of: 5 values do not fill shape (2, 3) (6 elements)",
          error(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3)));
    }

    @Test
    void adoptZerosOnesFullScalar() {
      assertTensor(f(1, 2, 3), s(3), Tensor.adopt(new float[] {1, 2, 3}, 3));
      assertEquals("Tensor.adopt: 2 values do not fill shape (3,)",
          error(IllegalArgumentException.class, () -> Tensor.adopt(new float[2], 3)));
      assertTensor(f(0, 0, 0, 0), s(2, 2), Tensor.zeros(2, 2));
      assertTensor(f(1, 1, 1), s(3, 1), Tensor.ones(3, 1));
      assertTensor(f(7.5f, 7.5f), s(1, 2), Tensor.full(7.5f, 1, 2));
      Tensor sc = Tensor.scalar(3f);
      assertTensor(f(3), s(), sc);
      assertEquals(0, sc.ndim());
      assertEquals(3f, sc.item());
      assertTensor(f(), s(0, 4), Tensor.zeros(0, 4));
    }

    @Test
    void arange() {
      assertTensor(f(0, 1, 2, 3), s(4), Tensor.arange(4));
      assertTensor(f(), s(0), Tensor.arange(0));
      assertTensor(f(1, 1.5f, 2, 2.5f), s(4), Tensor.arange(1f, 3f, 0.5f));
      assertTensor(f(5, 3, 1), s(3), Tensor.arange(5f, 0f, -2f));
      assertEquals("arange: step must be non-zero, got 0.0",
          error(IllegalArgumentException.class, () -> Tensor.arange(0f, 1f, 0f)));
    }
  }

  @Nested
  class Access {
    @Test
    void shapeDimsSizeValue() {
      assertArrayEquals(s(2, 3), M.shape());
      assertEquals(3, M.dim(1));
      assertEquals(2, M.dim(-2));
      assertEquals(2, M.ndim());
      assertEquals(6L, M.size());
      assertEquals(6f, M.value(1, 2));
      assertEquals(4f, M.value(-1, 0));
      assertEquals("value: index 3 out of range for axis 1 of size 3 in shape (2, 3)",
          error(IndexOutOfBoundsException.class, () -> M.value(0, 3)));
      assertEquals("value: 1 indices for a tensor of shape (2, 3)",
          error(IllegalArgumentException.class, () -> M.value(0)));
      assertEquals("dim: axis 2 out of range for a tensor with 2 dims",
          error(IllegalArgumentException.class, () -> M.dim(2)));
    }

    @Test
    void item() {
      assertEquals(5f, Tensor.of(new float[] {5}, 1, 1).item());
      assertEquals("item: tensor of shape (2, 3) has 6 elements, not 1",
          error(IllegalStateException.class, M::item));
    }
  }

  @Nested
  class Elementwise {
    private final Tensor a = t(f(1, -2, 3, 4), 2, 2);
    private final Tensor b = t(f(2, 2, -1, 0.5f), 2, 2);

    @Test
    void binarySameShape() {
      assertTensor(f(3, 0, 2, 4.5f), s(2, 2), a.plus(b));
      assertTensor(f(-1, -4, 4, 3.5f), s(2, 2), a.minus(b));
      assertTensor(f(2, -4, -3, 2), s(2, 2), a.times(b));
      assertTensor(f(0.5f, -1, -3, 8), s(2, 2), a.div(b));
      assertTensor(f(1, 4, 1 / 3f, 2), s(2, 2), a.pow(b));
      assertTensor(f(2, 2, 3, 4), s(2, 2), a.maximum(b));
      assertTensor(f(0, 0, 1, 1), s(2, 2), a.greater(b));
      assertTensor(f(0, 0, 0, 0), s(2, 2), a.equalTo(b));
      assertTensor(f(1, 1, 1, 1), s(2, 2), a.equalTo(a));
    }

    @Test
    void floatOverloads() {
      assertTensor(f(2, -1, 4, 5), s(2, 2), a.plus(1f));
      assertTensor(f(0, -3, 2, 3), s(2, 2), a.minus(1f));
      assertTensor(f(3, -6, 9, 12), s(2, 2), a.times(3f));
      assertTensor(f(0.5f, -1, 1.5f, 2), s(2, 2), a.div(2f));
      assertTensor(f(1, 4, 9, 16), s(2, 2), a.pow(2f));
      assertTensor(f(1, 1.4142135f, 1.7320508f, 2), s(2, 2), a.abs().pow(0.5f));
      assertTensor(f(1, 0, 3, 4), s(2, 2), a.maximum(0f));
      assertTensor(f(0, 0, 1, 1), s(2, 2), a.greater(2f));
    }

    @Test
    void broadcasting() {
      Tensor row = t(f(10, 20, 30), 3);
      Tensor col = t(f(1, 2), 2, 1);
      assertTensor(f(11, 22, 33, 14, 25, 36), s(2, 3), M.plus(row));
      assertTensor(f(0, 1, 2, 2, 3, 4), s(2, 3), M.minus(col));
      assertTensor(f(11, 21, 31, 12, 22, 32), s(2, 3), col.plus(row));
      assertTensor(f(2, 4, 6, 8, 10, 12), s(2, 3), Tensor.scalar(2f).times(M));
      assertTensor(f(1, 2, 3, 4, 5, 6, 2, 4, 6, 8, 10, 12), s(2, 2, 3),
          M.times(t(f(1, 2), 2, 1, 1)));
    }

    @Test
    void broadcastErrorNamesOpAndShapes() {
      assertEquals("plus: (2, 3) and (2,): cannot broadcast, dim 1 is 3 vs 2",
          error(IllegalArgumentException.class, () -> M.plus(t(f(1, 2), 2))));
      assertEquals("times: (2, 3) and (4, 1, 2): cannot broadcast, dim 2 is 3 vs 2",
          error(IllegalArgumentException.class, () -> M.times(Tensor.zeros(4, 1, 2))));
      assertEquals("minus: (3,) and (2, 3, 4): cannot broadcast, dim 2 is 3 vs 4",
          error(IllegalArgumentException.class,
              () -> Tensor.zeros(3).minus(Tensor.zeros(2, 3, 4))));
    }

    @Test
    void unary() {
      Tensor x = t(f(-1, 0, 1, 4), 4);
      assertTensor(f(1, -0f, -1, -4), s(4), x.unaryMinus());
      assertTensor(f(0.36787945f, 1, 2.7182817f, 54.59815f), s(4), x.exp());
      assertTensor(f(0, 1.3862944f), s(2), t(f(1, 4), 2).log());
      assertTrue(Float.isNaN(t(f(-1), 1).log().item()));
      assertEquals(Float.NEGATIVE_INFINITY, t(f(0), 1).log().item());
      assertTensor(f(0, 1, 2), s(3), t(f(0, 1, 4), 3).sqrt());
      assertTensor(f(1, 0, 1, 16), s(4), x.square());
      assertTensor(f(1, 0, 1, 4), s(4), x.abs());
      assertTensor(f(-0.7615942f, 0, 0.7615942f, 0.99932930f), s(4), x.tanh());
      assertTensor(f(0.26894143f, 0.5f, 0.7310586f, 0.98201376f), s(4), x.sigmoid());
      assertTensor(f(0, 0, 1, 4), s(4), x.relu());
      assertTensor(f(-0.15865526f, 0, 0.8413447f, 3.9998732f), s(4), x.gelu());
      assertTensor(f(-0.8427008f, 0, 0.8427008f, 1f), s(4), x.erf());
      assertTensor(f(0.5204999f), s(1), t(f(0.5f), 1).erf());
      assertTensor(f(-1, 0, 1, 1), s(4), x.sign());
    }

    @Test
    void extremeValuesStayFinite() {
      Tensor x = t(f(-100, 100), 2);
      assertTensor(f(0, 1), s(2), x.sigmoid());
      assertTensor(f(-1, 1), s(2), x.tanh());
      assertTensor(f(-0f, 100), s(2), x.gelu());
      assertTensor(f(-1, 1), s(2), x.erf());
    }

    @Test
    void where() {
      Tensor cond = t(f(1, 0, 1), 3);
      assertTensor(f(1, 20, 3, 4, 20, 6), s(2, 3), Tensor.where(cond, M, Tensor.scalar(20)));
      assertTensor(f(1, 0, 3, 1, 0, 3), s(2, 3),
          Tensor.where(t(f(1, 1), 2, 1), cond.times(Tensor.arange(1f, 4f, 1f)), Tensor.zeros(3)));
      assertEquals("where: (3,) and (2,): cannot broadcast, dim 0 is 3 vs 2",
          error(IllegalArgumentException.class,
              () -> Tensor.where(cond, Tensor.zeros(2), Tensor.zeros(3))));
    }

    @Test
    void stopGradientIsIdentity() {
      assertEquals(M, M.stopGradient());
    }
  }

  @Nested
  class Shape {
    @Test
    void reshape() {
      assertTensor(f(1, 2, 3, 4, 5, 6), s(3, 2), M.reshape(3, 2));
      assertTensor(f(1, 2, 3, 4, 5, 6), s(6), M.reshape(-1));
      assertTensor(f(1, 2, 3, 4, 5, 6), s(3, 1, 2), M.reshape(3, -1, 2));
      assertSame(M, M.reshape(2, 3));
      assertEquals("reshape: (2, 3) (6 elements) to (4, 2) (8 elements)",
          error(IllegalArgumentException.class, () -> M.reshape(4, 2)));
      assertEquals("reshape: cannot infer -1 reshaping (2, 3) to [4, -1]",
          error(IllegalArgumentException.class, () -> M.reshape(4, -1)));
      assertEquals("reshape: (2, 3) to [-1, -1]: only one dimension may be -1",
          error(IllegalArgumentException.class, () -> M.reshape(-1, -1)));
    }

    @Test
    void transposeAndPermute() {
      assertTensor(f(1, 4, 2, 5, 3, 6), s(3, 2), M.transpose());
      Tensor x = Tensor.arange(24).reshape(2, 3, 4);
      Tensor p = x.permute(2, 0, 1);
      assertArrayEquals(s(4, 2, 3), p.shape());
      // p[k, i, j] = x[i, j, k] = 12i + 4j + k
      assertEquals(12 + 8 + 3, p.value(3, 1, 2));
      assertEquals(1, p.value(1, 0, 0));
      assertSame(x, x.permute(0, 1, 2));
      assertEquals(x.transpose(), x.permute(0, -1, -2));
      assertEquals("permute: axis 0 repeated in [0, 0, 1]",
          error(IllegalArgumentException.class, () -> x.permute(0, 0, 1)));
      assertEquals("permute: 2 axes for shape (2, 3, 4)",
          error(IllegalArgumentException.class, () -> x.permute(0, 1)));
      assertEquals("transpose: needs at least 2 dims, got (3,)",
          error(IllegalArgumentException.class, () -> Tensor.zeros(3).transpose()));
    }

    @Test
    void broadcastTo() {
      assertTensor(f(1, 2, 1, 2, 1, 2), s(3, 2), t(f(1, 2), 2).broadcastTo(3, 2));
      assertTensor(f(1, 1, 2, 2), s(2, 2), t(f(1, 2), 2, 1).broadcastTo(2, 2));
      assertTensor(f(7, 7, 7), s(1, 3), Tensor.scalar(7).broadcastTo(1, 3));
      assertEquals("broadcastTo: (2, 3) to (3, 3): not broadcastable",
          error(IllegalArgumentException.class, () -> M.broadcastTo(3, 3)));
    }

    @Test
    void unsqueezeSqueeze() {
      assertArrayEquals(s(1, 2, 3), M.unsqueeze(0).shape());
      assertArrayEquals(s(2, 3, 1), M.unsqueeze(-1).shape());
      assertArrayEquals(s(2, 3), M.unsqueeze(1).squeeze(1).shape());
      assertEquals("squeeze: axis 0 of (2, 3) has size 2, not 1",
          error(IllegalArgumentException.class, () -> M.squeeze(0)));
    }
  }

  @Nested
  class Indexing {
    private final Tensor x = Tensor.arange(24).reshape(2, 3, 4);

    @Test
    void getInts() {
      assertTensor(f(4, 5, 6), s(3), M.get(1));
      assertTensor(f(1, 2, 3), s(3), M.get(-2));
      assertTensor(f(6), s(), M.get(1, 2));
      assertTensor(f(20, 21, 22, 23), s(4), x.get(1, -1));
      assertEquals("get: index 2 out of range for axis 0 of size 2",
          error(IndexOutOfBoundsException.class, () -> M.get(2)));
      assertEquals("get: 3 indices for shape (2, 3)",
          error(IllegalArgumentException.class, () -> M.get(0, 0, 0)));
    }

    @Test
    void getIndices() {
      assertTensor(f(2, 3, 5, 6), s(2, 2), M.get(Index.all(), Index.range(1, 3)));
      assertTensor(f(3, 6), s(2), M.get(Index.all(), Index.at(-1)));
      assertTensor(f(1, 3, 4, 6), s(2, 2), M.get(Index.all(), Index.range(0, 3, 2)));
      assertTensor(f(2, 3, 5, 6), s(2, 2), M.get(Index.all(), Index.range(-2, 100)));
      assertTensor(f(), s(2, 0), M.get(Index.all(), Index.range(2, 1)));
      // x[1, ::2, 1:] -> [[13, 14, 15], [21, 22, 23]]
      assertTensor(f(13, 14, 15, 21, 22, 23), s(2, 3),
          x.get(Index.at(1), Index.range(0, 3, 2), Index.range(1, 4)));
      // x[:, -1, ::3] -> [[8, 11], [20, 23]]
      assertTensor(f(8, 11, 20, 23), s(2, 2),
          x.get(Index.all(), Index.at(-1), Index.range(0, 4, 3)));
      assertSame(M, M.get(Index.all(), Index.all()));
      assertEquals("Index.range: step must be positive, got 0",
          error(IllegalArgumentException.class, () -> Index.range(0, 2, 0)));
      assertEquals("0:3:2", Index.range(0, 3, 2).toString());
      assertEquals(":", Index.all().toString());
      assertEquals("-1", Index.at(-1).toString());
    }

    @Test
    void slice() {
      assertTensor(f(5, 6, 7, 17, 18, 19), s(2, 1, 3), x.slice(1, 1, 2).slice(2, 1, 4));
      assertTensor(f(12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23), s(1, 3, 4),
          x.slice(0, -1, 2));
      assertTensor(f(3, 7, 11, 15, 19, 23), s(2, 3, 1), x.slice(-1, 3, 4));
    }

    @Test
    void concatAndStack() {
      Tensor a = t(f(1, 2), 1, 2);
      Tensor b = t(f(3, 4, 5, 6), 2, 2);
      assertTensor(f(1, 2, 3, 4, 5, 6), s(3, 2), Tensor.concat(0, a, b));
      assertTensor(f(1, 2, 3, 4, 5, 6, 1, 2), s(4, 2), Tensor.concat(List.of(a, b, a), 0));
      assertTensor(f(1, 2, 3, 4, 5, 6), s(2, 3), Tensor.concat(-1, M.slice(1, 0, 2),
          M.slice(1, 2, 3)));
      assertSame(a, Tensor.concat(0, a));
      assertEquals("concat: (1, 2) and (2, 3) (part 1) differ outside axis 0",
          error(IllegalArgumentException.class, () -> Tensor.concat(0, a, Tensor.zeros(2, 3))));
      assertEquals("concat: no tensors given",
          error(IllegalArgumentException.class, () -> Tensor.concat(List.of(), 0)));
      Tensor u = t(f(1, 2), 2);
      Tensor v = t(f(3, 4), 2);
      assertTensor(f(1, 2, 3, 4), s(2, 2), Tensor.stack(0, u, v));
      assertTensor(f(1, 3, 2, 4), s(2, 2), Tensor.stack(1, u, v));
      assertTensor(f(1, 3, 2, 4), s(2, 2), Tensor.stack(List.of(u, v), -1));
      assertEquals("stack: (2,) and (3,) (part 1) differ",
          error(IllegalArgumentException.class, () -> Tensor.stack(0, u, Tensor.zeros(3))));
    }

    @Test
    void take() {
      Tensor e = t(f(0, 1, 10, 11, 20, 21), 3, 2);
      assertTensor(f(20, 21, 0, 1, 20, 21), s(3, 2), e.take(2, 0, 2));
      assertTensor(f(), s(0, 2), e.take());
      assertTensor(f(2, 2, 1), s(3), t(f(0, 1, 2), 3).take(2, 2, 1));
      assertEquals("take: index 3 out of range for axis 0 of (3, 2)",
          error(IndexOutOfBoundsException.class, () -> e.take(3)));
      assertEquals("take: needs at least 1 dim, got a scalar",
          error(IllegalArgumentException.class, () -> Tensor.scalar(1).take(0)));
    }
  }

  @Nested
  class Reductions {
    @Test
    void sum() {
      assertTensor(f(21), s(), M.sum());
      assertTensor(f(5, 7, 9), s(3), M.sum(0));
      assertTensor(f(6, 15), s(2), M.sum(1));
      assertTensor(f(6, 15), s(2), M.sum(-1));
      assertTensor(f(21), s(), M.sum(0, 1));
      assertTensor(f(6, 15), s(2, 1), M.sum(new int[] {1}, true));
      assertTensor(f(21), s(1, 1), M.sum(new int[0], true));
      Tensor x = Tensor.arange(24).reshape(2, 3, 4);
      // Sum over axes 0 and 2: for each j, sum_i sum_k (12i + 4j + k) = 2*(4*4j + 6) + 4*12.
      assertTensor(f(60, 92, 124), s(3), x.sum(0, 2));
      assertTensor(f(60, 92, 124), s(1, 3, 1), x.sum(new int[] {2, 0}, true));
      assertEquals("sum: axis 1 given twice in [1, -1]",
          error(IllegalArgumentException.class, () -> M.sum(1, -1)));
      assertEquals("sum: axis 2 out of range for a tensor with 2 dims",
          error(IllegalArgumentException.class, () -> M.sum(2)));
      assertTensor(f(0, 0), s(2), Tensor.zeros(2, 0).sum(1));
    }

    @Test
    void mean() {
      assertTensor(f(3.5f), s(), M.mean());
      assertTensor(f(2.5f, 3.5f, 4.5f), s(3), M.mean(0));
      assertTensor(f(2, 5), s(2, 1), M.mean(new int[] {1}, true));
    }

    @Test
    void max() {
      Tensor x = t(f(3, -1, 7, 2, 9, -4), 2, 3);
      assertTensor(f(9), s(), x.max());
      assertTensor(f(3, 9, 7), s(3), x.max(0));
      assertTensor(f(7, 9), s(2), x.max(1));
      assertTensor(f(7, 9), s(2, 1), x.max(new int[] {-1}, true));
      assertTensor(f(1, 4), s(2), x.unaryMinus().max(1));
      assertTrue(Float.isNaN(t(f(1, Float.NaN, 2), 3).max().item()));
      assertEquals("max: axis 1 of (2, 0) is empty",
          error(IllegalArgumentException.class, () -> Tensor.zeros(2, 0).max(1)));
    }

    @Test
    void norm() {
      Tensor x = t(f(3, 4, 0, 5), 2, 2);
      assertTensor(f(7.0710678f), s(), x.norm());
      assertTensor(f(5, 5), s(2), x.norm(1));
      assertTensor(f(3, 6.4031243f), s(1, 2), x.norm(new int[] {0}, true));
    }

    @Test
    void softmax() {
      Tensor x = t(f(1, 2, 3, 1, 1, 1), 2, 3);
      assertTensor(f(0.09003057f, 0.24472847f, 0.66524096f, 1 / 3f, 1 / 3f, 1 / 3f), s(2, 3),
          x.softmax(1));
      assertTensor(f(0.5f, 0.7310586f, 0.8807971f, 0.5f, 0.26894143f, 0.11920292f), s(2, 3),
          x.softmax(0));
      assertTensor(f(-2.4076059f, -1.4076059f, -0.40760595f, -1.0986123f, -1.0986123f,
          -1.0986123f), s(2, 3), x.logSoftmax(-1));
      // Stable for huge logits.
      Tensor big = t(f(1000, 1001, -1000), 3);
      assertTensor(f(0.26894143f, 0.7310586f, 0), s(3), big.softmax(0));
      assertTensor(f(-1.3132616f, -0.31326166f, -2001.3132f), s(3), big.logSoftmax(0));
      assertEquals("softmax: axis 2 out of range for a tensor with 2 dims",
          error(IllegalArgumentException.class, () -> x.softmax(2)));
      assertEquals("logSoftmax: axis -3 out of range for a tensor with 2 dims",
          error(IllegalArgumentException.class, () -> x.logSoftmax(-3)));
    }
  }

  @Nested
  class LinearAlgebra {
    @Test
    void matmulShapesAndErrors() {
      Tensor a = t(f(1, 2, 3, 4), 2, 2);
      Tensor v = t(f(1, 1), 2);
      assertTensor(f(3, 7), s(2), a.matmul(v));
      assertTensor(f(4, 6), s(2), v.matmul(a));
      assertTensor(f(20), s(), M.get(0).matmul(t(f(1, 2, 5), 3)));
      assertTensor(f(14, 32, 32, 77), s(2, 2), M.matmul(M, false, true));
      assertEquals("matmul: (2, 3) x (2, 3): inner dims 3 != 2",
          error(IllegalArgumentException.class, () -> M.matmul(M)));
      assertEquals("matmul: (3, 2) x (3, 2): inner dims 2 != 3", // shapes after the transposes
          error(IllegalArgumentException.class, () -> M.matmul(M, true, true)));
      assertEquals("matmul batch dims: (2,) and (3,): cannot broadcast, dim 0 is 2 vs 3",
          error(IllegalArgumentException.class,
              () -> Tensor.zeros(2, 1, 2).matmul(Tensor.zeros(3, 2, 1))));
    }
  }

  @Nested
  class Values {
    @Test
    void allCloseAndMaxAbsDiff() {
      Tensor a = t(f(1, 2), 2);
      assertTrue(a.allClose(t(f(1.05f, 2), 2), 0, 0.1));
      assertFalse(a.allClose(t(f(1.2f, 2), 2), 0, 0.1));
      assertTrue(a.allClose(t(f(1.1f, 2.2f), 2), 0.11, 0));
      assertFalse(a.allClose(t(f(1, 2), 1, 2), 1, 1));
      Tensor inf = t(f(Float.POSITIVE_INFINITY), 1);
      assertTrue(inf.allClose(inf, 0, 0));
      assertFalse(t(f(Float.NaN), 1).allClose(t(f(Float.NaN), 1), 1, 1));
      assertEquals(0.25f, a.maxAbsDiff(t(f(1.25f, 2), 2)));
      assertEquals("maxAbsDiff: (2,) vs (1, 2)",
          error(IllegalArgumentException.class, () -> a.maxAbsDiff(t(f(1, 2), 1, 2))));
    }

    @Test
    void equalityIsByValue() {
      assertEquals(t(f(1, 2), 2), t(f(1, 2), 2));
      assertEquals(t(f(1, 2), 2).hashCode(), t(f(1, 2), 2).hashCode());
      assertNotEquals(t(f(1, 2), 2), t(f(1, 2), 1, 2));
      assertNotEquals(t(f(1, 2), 2), t(f(1, 3), 2));
      assertNotEquals(t(f(1, 2), 2), "tensor");
    }

    @Test
    void toStringShowsShapeAndFirstValues() {
      assertEquals("Tensor(2, 3)[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]", M.toString());
      assertEquals("Tensor(7,)[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, ...]", Tensor.arange(7).toString());
      assertEquals("Tensor()[2.5]", Tensor.scalar(2.5f).toString());
      assertEquals("Tensor(0,)[]", Tensor.zeros(0).toString());
    }
  }
}
