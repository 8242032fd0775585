package dev.graft.dsl.train;

import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;

/**
 * Loss functions (differentiable, returning a scalar tensor) and metrics (plain numbers). Batches
 * run along axis 0; every loss is a mean over the batch.
 */
public final class Losses {
  private Losses() {}

  /**
   * Mean squared error, {@code mean((pred − target)²)} over all elements. The shapes must be equal
   * (no broadcasting, which would silently compare the wrong things).
   */
  public static Tensor mse(Tensor pred, Tensor target) {
    if (!Arrays.equals(pred.shape(), target.shape())) {
      throw new IllegalArgumentException("Losses.mse: prediction shape "
          + Shapes.format(pred.shape()) + " differs from target shape "
          + Shapes.format(target.shape()));
    }
    if (pred.size() == 0) {
      throw new IllegalArgumentException("Losses.mse: empty tensors of shape "
          + Shapes.format(pred.shape()));
    }
    return pred.minus(target).square().mean();
  }

  /**
   * Softmax cross-entropy from unnormalized {@code logits (batch, classes)} and one class index
   * per row: {@code −mean_i log softmax(logits_i)[labels_i]}, computed through a stable log-softmax.
   *
   * @throws IllegalArgumentException when the logits are not 2-d, the batch sizes differ or a
   *     label is outside {@code [0, classes)}
   */
  public static Tensor softmaxCrossEntropy(Tensor logits, int[] labels) {
    int classes = checkLabels("Losses.softmaxCrossEntropy", logits, labels);
    int batch = labels.length;
    int[] picks = new int[batch];
    for (int i = 0; i < batch; i++) {
      picks[i] = i * classes + labels[i];
    }
    Tensor logProbs = logits.logSoftmax(1).reshape(batch * classes);
    return logProbs.take(picks).sum().times(-1f / batch);
  }

  /**
   * The share of rows whose largest logit is at the label (the first one on ties), in {@code [0,
   * 1]}. Not differentiable: it reads the values.
   */
  public static float accuracy(Tensor logits, int[] labels) {
    int classes = checkLabels("Losses.accuracy", logits, labels);
    float[] v = logits.toArray();
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (v[i * classes + c] > v[i * classes + best]) {
          best = c;
        }
      }
      if (best == labels[i]) {
        correct++;
      }
    }
    return (float) correct / labels.length;
  }

  /** Validates logits against labels and returns the class count. */
  private static int checkLabels(String op, Tensor logits, int[] labels) {
    if (logits.ndim() != 2) {
      throw new IllegalArgumentException(op + ": logits must be (batch, classes), got shape "
          + Shapes.format(logits.shape()));
    }
    int batch = logits.dim(0);
    int classes = logits.dim(1);
    if (labels.length != batch) {
      throw new IllegalArgumentException(op + ": " + labels.length + " labels for a batch of "
          + batch + " rows (logits " + Shapes.format(logits.shape()) + ")");
    }
    if (batch == 0 || classes == 0) {
      throw new IllegalArgumentException(op + ": empty logits of shape "
          + Shapes.format(logits.shape()));
    }
    for (int i = 0; i < batch; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(op + ": label " + labels[i] + " at row " + i
            + " is outside [0, " + classes + ") for logits of shape "
            + Shapes.format(logits.shape()));
      }
    }
    return classes;
  }
}
