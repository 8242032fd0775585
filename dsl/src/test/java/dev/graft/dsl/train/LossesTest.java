package dev.graft.dsl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autodiff.Grad;
import dev.graft.autodiff.GradCheck;
import dev.graft.autodiff.ValueAndGrad;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Losses and metrics against hand values; cross-entropy's gradient and label checks. */
class LossesTest {
  @Test
  void mseIsTheMeanSquaredDifference() {
    Tensor pred = Tensor.of(new float[] {1, 2, 3}, 3);
    Tensor target = Tensor.of(new float[] {1, 0, 0}, 3);
    assertEquals(13f / 3, Losses.mse(pred, target).item(), 1e-6f);
  }

  @Test
  void mseRefusesDifferentShapesInsteadOfBroadcasting() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Losses.mse(Tensor.zeros(4, 3), Tensor.zeros(4, 1)));
    assertTrue(e.getMessage().contains("(4, 3)") && e.getMessage().contains("(4, 1)"),
        e.getMessage());
  }

  @Test
  void crossEntropyByHand() {
    // row 0: softmax (1/2, 1/2), label 0 -> ln 2; row 1: softmax (3/4, 1/4), label 1 -> ln 4.
    Tensor logits = Tensor.of(new float[] {0, 0, (float) Math.log(3), 0}, 2, 2);
    int[] labels = {0, 1};
    assertEquals(1.5 * Math.log(2), Losses.softmaxCrossEntropy(logits, labels).item(), 1e-6);
    // d/dlogits = (softmax − onehot) / batch
    ValueAndGrad vg = Grad.valueAndGrad(
        xs -> Losses.softmaxCrossEntropy(xs.get(0), labels), List.of(logits));
    assertArrayEquals(new float[] {-0.25f, 0.25f, 0.375f, -0.375f}, vg.grads().get(0).toArray(),
        1e-6f);
  }

  @Test
  void crossEntropyIsStableForLargeLogits() {
    Tensor logits = Tensor.of(new float[] {1000, 0, -1000}, 1, 3);
    assertEquals(1000f, Losses.softmaxCrossEntropy(logits, new int[] {1}).item(), 1e-3f);
    assertEquals(0f, Losses.softmaxCrossEntropy(logits, new int[] {0}).item(), 1e-6f);
  }

  @Test
  void crossEntropyGradientMatchesFiniteDifferences() {
    Tensor logits = Random.normal(Key.of(5), 5, 4);
    int[] labels = {3, 0, 1, 1, 2};
    GradCheck.assertGradients(xs -> Losses.softmaxCrossEntropy(xs.get(0), labels),
        List.of(logits));
  }

  @Test
  void labelsAreValidatedAgainstTheClassCount() {
    Tensor logits = Tensor.zeros(2, 3);
    var range = assertThrows(IllegalArgumentException.class,
        () -> Losses.softmaxCrossEntropy(logits, new int[] {0, 5}));
    assertTrue(range.getMessage().contains("label 5 at row 1 is outside [0, 3)"),
        range.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Losses.softmaxCrossEntropy(logits, new int[] {0, -1}));
    var count = assertThrows(IllegalArgumentException.class,
        () -> Losses.softmaxCrossEntropy(logits, new int[] {0}));
    assertTrue(count.getMessage().contains("1 labels for a batch of 2"), count.getMessage());
    var rank = assertThrows(IllegalArgumentException.class,
        () -> Losses.accuracy(Tensor.zeros(2, 3, 1), new int[] {0, 0}));
    assertTrue(rank.getMessage().contains("(batch, classes)"), rank.getMessage());
  }

  @Test
  void accuracyCountsArgmaxHitsWithTiesToTheFirstClass() {
    Tensor logits = Tensor.of(new float[] {1, 2, 3, 0, 0, 0}, 3, 2);
    assertEquals(2f / 3, Losses.accuracy(logits, new int[] {1, 0, 1}), 1e-7f);
    assertEquals(1f, Losses.accuracy(logits, new int[] {1, 0, 0}), 0f);
  }
}
