package dev.graft.dsl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.graft.testkit.Theories;
import dev.graft.autodiff.GradCheck;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SelfAttentionTest {
  static final long SEED = 20_261_204L;

  private static Linear linear(Tensor w, Tensor b) {
    return new Linear(w, b);
  }

  /** Attention of one head computed from the definition, one query at a time. */
  private static float[] naive(Tensor x, Tensor wq, Tensor wk, Tensor wv, int heads,
      int[] lengths) {
    int b = x.dim(0);
    int s = x.dim(1);
    int h = x.dim(2);
    int d = h / heads;
    Tensor q = x.matmul(wq, false, true);
    Tensor k = x.matmul(wk, false, true);
    Tensor v = x.matmul(wv, false, true);
    float[] out = new float[b * s * h];
    for (int n = 0; n < b; n++) {
      for (int head = 0; head < heads; head++) {
        for (int i = 0; i < s; i++) {
          double[] w = new double[lengths[n]];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < lengths[n]; j++) {
            double dot = 0;
            for (int c = 0; c < d; c++) {
              dot += q.value(n, i, head * d + c) * k.value(n, j, head * d + c);
            }
            w[j] = dot / Math.sqrt(d);
            max = Math.max(max, w[j]);
          }
          double sum = 0;
          for (int j = 0; j < w.length; j++) {
            w[j] = Math.exp(w[j] - max);
            sum += w[j];
          }
          for (int c = 0; c < d; c++) {
            double acc = 0;
            for (int j = 0; j < w.length; j++) {
              acc += w[j] / sum * v.value(n, j, head * d + c);
            }
            out[(n * s + i) * h + head * d + c] = (float) acc;
          }
        }
      }
    }
    return out;
  }

  @Test
  void equalsTheDefinitionPerHeadWithPaddedKeysIgnored() {
    Random rnd = new Random(SEED);
    Tensor x = Fixtures.randn(rnd, 2, 5, 8);
    Tensor wq = Fixtures.randn(rnd, 8, 8);
    Tensor wk = Fixtures.randn(rnd, 8, 8);
    Tensor wv = Fixtures.randn(rnd, 8, 8);
    Tensor zero = Tensor.zeros(8);
    SelfAttention att = new SelfAttention(linear(wq, zero), linear(wk, zero), linear(wv, zero), 2,
        false);
    Tensor mask = Tensor.of(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, 2, 5);
    Tensor y = att.attend(x, SelfAttention.paddingMask(mask));
    Tensor want = Tensor.of(naive(x, wq, wk, wv, 2, new int[] {5, 3}), 2, 5, 8);
    assertTrue(y.allClose(want, 1e-5, 1e-5), "max diff " + y.maxAbsDiff(want));
  }

  @Test
  void paddingNeverChangesARealTokensOutput() {
    // A BERT with random weights: each sequence alone equals its rows in a padded batch, and the
    // values of the padding ids do not matter.
    Bert bert = Bert.create(new BertConfig(50, 16, 2, 4, 32, 20, 2, 1e-12f), Key.of(SEED));
    Theories.qt().withExamples(25).forAll(longs().all()).checkAssert(seed -> {
      Random rnd = new Random(seed);
      int batch = 1 + rnd.nextInt(3);
      int seq = 2 + rnd.nextInt(10);
      int[] len = new int[batch];
      float[] ids = new float[batch * seq];
      float[] mask = new float[batch * seq];
      for (int n = 0; n < batch; n++) {
        len[n] = 1 + rnd.nextInt(seq);
        for (int j = 0; j < seq; j++) {
          ids[n * seq + j] = rnd.nextInt(50);
          mask[n * seq + j] = j < len[n] ? 1 : 0;
        }
      }
      Tensor out = bert.encode(Tensor.of(ids, batch, seq), Tensor.of(mask, batch, seq));
      for (int n = 0; n < batch; n++) {
        float[] alone = new float[len[n]];
        System.arraycopy(ids, n * seq, alone, 0, len[n]);
        Tensor single = bert.encode(Tensor.of(alone, 1, len[n]), Tensor.ones(1, len[n]));
        Tensor rows = out.get(n).slice(0, 0, len[n]).reshape(1, len[n], 16);
        assertTrue(rows.allClose(single, 1e-5, 1e-5), "seed " + seed + ", row " + n
            + ": max diff " + rows.maxAbsDiff(single));
      }
    });
  }

  @Test
  void causalAttentionEqualsAttendingToThePrefix() {
    SelfAttention att = SelfAttention.create(8, 2, true, Key.of(1));
    Tensor x = Fixtures.randn(new Random(SEED), 1, 6, 8);
    Tensor y = att.apply(x);
    SelfAttention bidirectional = new SelfAttention(att.query(), att.key(), att.value(), 2, false);
    for (int i = 1; i <= 6; i++) {
      Tensor prefix = bidirectional.apply(x.slice(1, 0, i));
      Tensor last = prefix.slice(1, i - 1, i);
      assertTrue(y.slice(1, i - 1, i).allClose(last, 1e-5, 1e-6), "position " + (i - 1));
    }
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Random rnd = new Random(SEED);
    Tensor x = Fixtures.randn(rnd, 2, 3, 4);
    Tensor mask = SelfAttention.paddingMask(Tensor.of(new float[] {1, 1, 1, 1, 1, 0}, 2, 3));
    List<Tensor> at = List.of(x, Fixtures.randn(rnd, 4, 4), Fixtures.randn(rnd, 4),
        Fixtures.randn(rnd, 4, 4), Fixtures.randn(rnd, 4), Fixtures.randn(rnd, 4, 4),
        Fixtures.randn(rnd, 4));
    GradCheck.assertGradients(p -> new SelfAttention(linear(p.get(1), p.get(2)),
        linear(p.get(3), p.get(4)), linear(p.get(5), p.get(6)), 2, false)
        .attend(p.get(0), mask), at);
    GradCheck.assertGradients(p -> new SelfAttention(linear(p.get(1), p.get(2)),
        linear(p.get(3), p.get(4)), linear(p.get(5), p.get(6)), 2, true).apply(p.get(0)), at);
  }

  @Test
  void badShapesAreRefusedWithTheShapes() {
    SelfAttention att = SelfAttention.create(8, 2, Key.of(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> att.apply(Tensor.zeros(5, 8)));
    assertTrue(e.getMessage().contains("(5, 8)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SelfAttention.create(10, 3, Key.of(1)));
    assertTrue(e.getMessage().contains("10") && e.getMessage().contains("3 heads"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> SelfAttention.paddingMask(Tensor.zeros(2, 3, 4)));
    assertTrue(e.getMessage().contains("(2, 3, 4)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SelfAttention(att.query(), att.key(),
        att.value(), 0, false));
  }

  @Test
  void paddingMaskIsZeroForRealKeysAndMaskedForPadding() {
    Tensor m = SelfAttention.paddingMask(Tensor.of(new float[] {1, 0, 1}, 1, 3));
    assertEquals(Tensor.of(new float[] {0, SelfAttention.MASKED, 0}, 1, 1, 1, 3).toString(),
        m.toString());
    assertEquals(0f, Tensor.of(new float[] {0f, SelfAttention.MASKED}, 2).softmax(0).value(1));
  }
}
