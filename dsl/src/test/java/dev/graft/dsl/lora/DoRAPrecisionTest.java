package dev.graft.dsl.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autodiff.Grad;
import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.ConvLayer;
import dev.graft.dsl.nn.ConvOptions;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DoRA's row norms stay accurate where {@code W} and {@code s·B A} nearly cancel (the factored
 * formula alone loses every digit there), and a row with no direction (all zero) gives zero, never
 * NaN, in the forward pass, the merge and the gradients.
 */
class DoRAPrecisionTest {

  /** {@code ‖W_i + s·(B A)_i‖} from the float inputs, exactly enough (double, dense). */
  private static double[] reference(Tensor w, Tensor a, Tensor b, double s) {
    int out = w.dim(0);
    int in = w.dim(1);
    int r = a.dim(0);
    float[] wv = w.toArray();
    float[] av = a.toArray();
    float[] bv = b.toArray();
    double[] n = new double[out];
    for (int i = 0; i < out; i++) {
      double acc = 0;
      for (int j = 0; j < in; j++) {
        double u = 0;
        for (int k = 0; k < r; k++) {
          u += (double) bv[i * r + k] * av[k * in + j];
        }
        double v = wv[i * in + j] + s * u;
        acc += v * v;
      }
      n[i] = Math.sqrt(acc);
    }
    return n;
  }

  private static void assertAccurate(Tensor w, Tensor a, Tensor b, double s, String what) {
    double[] expected = reference(w, a, b, s);
    float[] actual = DoRAMagnitude.rowNormsOfSum(w, a, b, s).toArray();
    for (int i = 0; i < expected.length; i++) {
      // float32 rounding of the result, with room for the float32 product W Aᵀ on rows that
      // keep at least half of their size
      assertEquals(expected[i], actual[i], 4e-6 * expected[i] + 1e-30,
          what + ", row " + i + ": " + actual[i] + " vs " + expected[i]);
    }
  }

  /** The case QuickTheories shrank to under seed 691: Linear(1, 3), rank 2, alpha 5.5. */
  @Test
  void theSeed691CaseMergesAsItIsAdapted() {
    ZooLaws laws = ZooExpectations.BY_NAME.get("DoRA").laws(DoRAAdapter.KIND,
        ZooLaws.Kind.LINEAR);
    ZooLaws.Case c = laws.randomCase(-234);
    assertEquals(List.of(1, 3, 2), List.of(c.in(), c.out(), c.config().rank()), c.toString());
    DoRAAdapter w = (DoRAAdapter) ZooLaws.perturb(laws.wrap(c), Key.of(c.seed()).foldIn(99), 0.3f);
    ZooLaws.assertClose(w.apply(c.x()), w.merge().apply(c.x()), 1e-4, "merged vs adapted");
    assertAccurate(w.view().matrix(), w.loraA(), w.loraB(), w.scale(), "seed 691 case");
  }

  /** A conv case where one channel keeps 1/6000 of its parts (found under -Dgraft.seed=1). */
  @Test
  void aCancellingConvChannelMergesAsItIsAdapted() {
    ZooLaws laws = ZooExpectations.BY_NAME.get("DoRA").laws(DoRAAdapter.KIND,
        ZooLaws.Kind.CONV);
    ZooLaws.Case c = laws.randomCase(718140719074698277L);
    DoRAAdapter w = (DoRAAdapter) ZooLaws.perturb(laws.wrap(c), Key.of(c.seed()).foldIn(99), 0.3f);
    Tensor norms = DoRAMagnitude.rowNormsOfSum(w.view().matrix(), w.loraA(),
        w.loraB(), w.scale());
    assertTrue(norms.value(0) < 2e-4, "channel 0 cancels: " + norms);
    ZooLaws.assertClose(w.apply(c.x()), w.merge().apply(c.x()), 1e-4, "merged vs adapted");
    // in = 1, so channel 0's direction is ±1 and its output is exactly -m_0·x at the taps
    float m0 = w.loraMagnitude().value(0);
    assertEquals(-m0 * c.x().value(0, 0, 1), w.apply(c.x()).value(0, 0, 1), 2e-6 * Math.abs(m0));
  }

  /** W = −s·B A + δ with a tiny δ: each row keeps 1e-6 to 1e-3 of its parts. */
  private static DoRAAdapter cancelling() {
    Key[] k = Key.of(23).split(4);
    Tensor a = Random.normal(k[0], 3, 20);
    Tensor b = Random.normal(k[1], 6, 3).times(2f);
    double s = 4.0;
    Tensor scales = Tensor.of(new float[] {1e-6f, 1e-5f, 1e-4f, 1e-3f, 1, 0.5f}, 6, 1);
    Tensor w = LowRank.product(b, a, -s).plus(Random.normal(k[2], 6, 20).times(scales));
    return new DoRAAdapter(new Linear(w, Random.normal(k[3], 6)), a, b,
        Tensor.of(new float[] {1, 2, 0.5f, 3, 1, 1}, 6), s, 0);
  }

  @Test
  void illConditionedRowsForwardAsTheExactFormula() {
    DoRAAdapter d = cancelling();
    Tensor x = Random.normal(Key.of(24), 7, 20);
    float[] xv = x.toArray();
    float[] wv = d.view().matrix().toArray();
    float[] av = d.loraA().toArray();
    float[] bv = d.loraB().toArray();
    double[] norms = reference(d.view().matrix(), d.loraA(), d.loraB(), d.scale());
    Tensor y = d.apply(x);
    Tensor merged = d.merge().apply(x);
    for (int n = 0; n < 7; n++) {
      for (int i = 0; i < 6; i++) {
        double dot = 0;
        for (int j = 0; j < 20; j++) {
          double u = 0;
          for (int k = 0; k < 3; k++) {
            u += (double) bv[i * 3 + k] * av[k * 20 + j];
          }
          dot += (wv[i * 20 + j] + d.scale() * u) * xv[n * 20 + j];
        }
        double exact = d.loraMagnitude().value(i) * dot / norms[i] + d.view().bias().value(i);
        double tol = 1e-5 * (1 + Math.abs(exact)) * d.loraMagnitude().value(i);
        assertEquals(exact, y.value(n, i), tol, "adapted row " + i + ", sample " + n);
        assertEquals(exact, merged.value(n, i), tol, "merged row " + i + ", sample " + n);
      }
    }
  }

  @Test
  void theCorrectionLeavesTheGradientAsTheFactoredFormulas() {
    DoRAAdapter d = cancelling();
    Tensor x = Random.normal(Key.of(25), 7, 20);
    Linear base = (Linear) d.base();
    Tensor inverse = DoRAMagnitude.rows(base.weight(), d.loraA(), d.loraB(), d.scale()).inverse();
    Tensor c = Random.normal(Key.of(26), 7, 6);
    List<Tensor> at = List.of(d.loraA(), d.loraB(), d.loraMagnitude());
    List<Tensor> got = Grad.grad(p -> new DoRAAdapter(base, p.get(0), p.get(1), p.get(2),
        d.scale(), 0).apply(x).times(c).sum(), at);
    List<Tensor> factored = Grad.grad(p -> x.matmul(base.weight(), false, true)
        .plus(LowRank.delta(x, p.get(0), p.get(1), d.scale()))
        .times(p.get(2).times(inverse)).plus(base.bias()).times(c).sum(), at);
    for (int i = 0; i < 2; i++) {
      assertEquals(factored.get(i), got.get(i), "gradient " + i);
    }
    // m's gradient is Σ_n c ⊙ (y − b) / m: the corrected (exact) forward, not the noisy one
    Tensor expected = d.apply(x).minus(base.bias()).times(c).sum(0).div(d.loraMagnitude());
    assertTrue(got.get(2).allClose(expected, 1e-5, 1e-6), got.get(2) + " vs " + expected);
  }

  @Test
  void rowsThatNearlyCancelAreAccurate() {
    Key[] k = Key.of(21).split(4);
    int out = 16;
    int in = 48;
    int r = 4;
    double s = 5.5;
    Tensor a = Random.normal(k[0], r, in);
    Tensor b = Random.normal(k[1], out, r).times(3f);
    // W = −s·B A + δ with |δ| a millionth to a tenth of the parts: rows of the sum are tiny
    Tensor scales = Tensor.of(new float[] {1e-6f, 1e-5f, 1e-4f, 1e-3f, 1e-2f, 1e-1f, 1, 0,
        1e-6f, 1e-5f, 1e-4f, 1e-3f, 1e-2f, 1e-1f, 1, 3}, out, 1);
    Tensor w = LowRank.product(b, a, -s).plus(Random.normal(k[2], out, in).times(scales));
    assertAccurate(w, a, b, s, "W ≈ −s·B A");
  }

  @Test
  void rowsWhoseUpdateCancelsWithinTheRankAreAccurate() {
    // A's two rows almost equal and B_i1 ≈ −B_i2: (B A)_i is small next to its rank-one parts.
    Key[] k = Key.of(22).split(3);
    Tensor a1 = Random.normal(k[0], 1, 32);
    Tensor a = Tensor.concat(0, a1, a1.plus(Random.normal(k[1], 1, 32).times(1e-4f)));
    Tensor b = Tensor.of(new float[] {1000, -1000, 50, -50.001f, 1, 2, -7, 7}, 4, 2);
    Tensor w = Random.normal(k[2], 4, 32).times(1e-3f);
    assertAccurate(w, a, b, 3.0, "B A cancelling within the rank");
  }

  @Test
  void theOldFactoredSumWasNotAccurateHere() {
    // Guard for the test above: the same rows summed in float32 from the factors lose digits,
    // so rowsThatNearlyCancelAreAccurate really exercises the fallback.
    Key[] k = Key.of(21).split(4);
    Tensor a = Random.normal(k[0], 4, 48);
    Tensor b = Random.normal(k[1], 16, 4).times(3f);
    double s = 5.5;
    Tensor w = LowRank.product(b, a, -s).plus(Random.normal(k[2], 16, 48).times(1e-4f));
    Tensor ww = w.square().sum(new int[] {1}, false);
    Tensor cross = b.times(w.matmul(a, false, true)).sum(new int[] {1}, false);
    Tensor quad = b.matmul(a.matmul(a, false, true)).times(b).sum(new int[] {1}, false);
    float[] naive = ww.plus(cross.times((float) (2 * s))).plus(quad.times((float) (s * s)))
        .maximum(0f).sqrt().toArray();
    double[] exact = reference(w, a, b, s);
    double worst = 0;
    for (int i = 0; i < exact.length; i++) {
      worst = Math.max(worst, Math.abs(naive[i] - exact[i]) / exact[i]);
    }
    assertTrue(worst > 1e-2, "float32 factored sum relative error only " + worst);
  }

  @Test
  void aZeroRowHasZeroDirectionInForwardMergeAndGradients() {
    Tensor weight = Tensor.of(new float[] {0, 0, 0, 1, -2, 0.5f}, 2, 3);
    Linear base = new Linear(weight, Tensor.of(new float[] {0.25f, -1}, 2));
    DoRAAdapter d = DoRAAdapter.create(base, new AdapterConfig(2, 4, 0, Key.of(3)));
    assertEquals(0f, d.loraMagnitude().value(0));
    Tensor x = Random.normal(Key.of(4), 5, 3);
    // at init: exactly the base, row 0 is its bias
    assertFinite(d.apply(x), "forward at init");
    ZooLaws.assertClose(base.apply(x), d.apply(x), 1e-6, "forward at init vs base");
    Linear merged = (Linear) d.merge();
    assertFinite(merged.weight(), "merged weight at init");
    assertEquals(Tensor.zeros(3), merged.weight().get(0));
    List<Tensor> g = Grad.grad(p -> new DoRAAdapter(base, p.get(0), p.get(1), p.get(2), d.scale(),
        0).apply(x).sum(), List.of(d.loraA(), d.loraB(), d.loraMagnitude()));
    for (Tensor t : g) {
      assertFinite(t, "gradient at init");
    }
    // once B moves, the row has the update's direction and a finite output again
    DoRAAdapter moved = new DoRAAdapter(base, d.loraA(), Random.normal(Key.of(5), 2, 2),
        Tensor.of(new float[] {2, 1}, 2), d.scale(), 0);
    assertFinite(moved.apply(x), "forward after B moved");
    ZooLaws.assertClose(moved.apply(x), moved.merge().apply(x), 1e-5, "merged vs adapted");
  }

  @Test
  void aZeroChannelOfAConvHasZeroDirection() {
    ConvLayer conv = Conv2d.create(2, 3, 2, ConvOptions.defaults(), Key.of(6));
    Tensor kernel = conv.weight().times(Tensor.of(new float[] {1, 0, 1}, 3, 1, 1, 1));
    ConvLayer base = conv.withWeight(kernel);
    DoRAAdapter d = DoRAAdapter.create(base, new AdapterConfig(1, 2, 0, Key.of(7)));
    Tensor x = Random.normal(Key.of(8), 1, 2, 4, 4);
    assertFinite(d.apply(x), "conv forward");
    ZooLaws.assertClose(base.apply(x), d.apply(x), 1e-5, "conv forward at init vs base");
    assertFinite(((ConvLayer) d.merge()).weight(), "conv merge");
    List<Tensor> g = Grad.grad(p -> new DoRAAdapter(base, p.get(0), p.get(1), p.get(2), d.scale(),
        0).apply(x).sum(), List.of(d.loraA(), d.loraB(), d.loraMagnitude()));
    for (Tensor t : g) {
      assertFinite(t, "conv gradient");
    }
  }

  private static void assertFinite(Tensor t, String what) {
    for (float v : t.toArray()) {
      assertTrue(Float.isFinite(v), what + " has a non-finite value: " + t);
    }
  }
}
