package dev.graft.autodiff;

import static dev.graft.autodiff.TestTensors.uniform;

import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Whole models checked against finite differences: an MLP, a small conv net, a LoRA layer. */
class CompositeGradTest {
  private final SplittableRandom r = new SplittableRandom(11);

  /** Mean softmax cross-entropy of {@code logits (n, k)} against integer labels. */
  private static Tensor crossEntropy(Tensor logits, int[] labels) {
    int k = logits.dim(1);
    Tensor oneHot = Tensor.zeros(k, k).plus(eye(k)).take(labels);
    return logits.logSoftmax(1).times(oneHot).sum(1).mean().unaryMinus();
  }

  private static Tensor eye(int k) {
    float[] v = new float[k * k];
    for (int i = 0; i < k; i++) {
      v[i * k + i] = 1;
    }
    return Tensor.of(v, k, k);
  }

  private static float minAbs(Tensor t) {
    float m = Float.POSITIVE_INFINITY;
    for (float v : t.toArray()) {
      m = Math.min(m, Math.abs(v));
    }
    return m;
  }

  private void checkMlp(UnaryOperator<Tensor> activation) {
    Tensor x = uniform(r, -1, 1, 4, 5);
    int[] labels = {0, 2, 1, 2};
    Tensor w1;
    Tensor b1;
    // Keep pre-activations farther from relu's kink than a finite-difference step moves them.
    do {
      w1 = uniform(r, -1, 1, 6, 5);
      b1 = uniform(r, -0.5, 0.5, 6);
    } while (minAbs(x.matmul(w1, false, true).plus(b1)) < 0.05);
    Tensor w2 = uniform(r, -1, 1, 3, 6);
    Tensor b2 = uniform(r, -0.5, 0.5, 3);
    GradCheck.assertGradients(p -> {
      Tensor h = activation.apply(x.matmul(p.get(0), false, true).plus(p.get(1)));
      Tensor logits = h.matmul(p.get(2), false, true).plus(p.get(3));
      return crossEntropy(logits, labels);
    }, List.of(w1, b1, w2, b2));
  }

  @Test
  void mlpWithGeluAndCrossEntropy() {
    checkMlp(Tensor::gelu);
  }

  @Test
  void mlpWithReluAndCrossEntropy() {
    checkMlp(Tensor::relu);
  }

  @Test
  void smallConvNet() {
    Tensor x = uniform(r, -1, 1, 2, 2, 6, 6);
    int[] labels = {1, 0};
    Tensor k1 = uniform(r, -0.5, 0.5, 4, 2, 3, 3);
    Tensor k2 = uniform(r, -0.5, 0.5, 4, 2, 3, 3); // grouped: 2 groups of 2 channels
    Tensor head = uniform(r, -1, 1, 2, 4);
    GradCheck.assertGradients(p -> {
      Tensor h = Tensor.conv(x, p.get(0), 1, 1, 1, 1).tanh();
      h = Tensor.conv(h, p.get(1), 2, 1, 1, 2).gelu();
      Tensor pooled = h.mean(2, 3); // (2, 4)
      return crossEntropy(pooled.matmul(p.get(2), false, true), labels);
    }, List.of(k1, k2, head));
  }

  @Test
  void loraLayerWithFrozenBase() {
    Tensor x = uniform(r, -1, 1, 4, 7);
    Tensor w = uniform(r, -1, 1, 5, 7);
    Tensor a = uniform(r, -1, 1, 2, 7);
    Tensor b = uniform(r, -1, 1, 5, 2);
    float s = 1.5f;
    GradCheck.assertGradients(p -> x.matmul(w, false, true)
        .plus(x.matmul(p.get(0), false, true).matmul(p.get(1), false, true).times(s))
        .square().mean(), List.of(a, b));
  }
}
