package dev.graft.samples;

import dev.graft.dsl.train.History;

/**
 * What one contender of the shoot-out measured.
 *
 * @param name the contender's name
 * @param trainable trainable parameters, the new head included
 * @param total parameters of the adapted network (base, adapters and head; a tensor shared by
 *     several layers counts once)
 * @param accuracyBefore test accuracy on the new task before training, in {@code [0, 1]}
 * @param accuracyAfter test accuracy on the new task after training, in {@code [0, 1]}
 * @param seconds wall time of building the adapters and training, evaluation excluded
 * @param mergeGap the largest {@code |merged − adapted|} logit over the test set; NaN when there
 *     is nothing to merge (full fine-tuning, head-only)
 * @param mergeTolerance the largest gap float32 rounding explains for these logits
 * @param history the training run's losses
 */
public record Row(String name, long trainable, long total, double accuracyBefore,
    double accuracyAfter, double seconds, double mergeGap, double mergeTolerance,
    History history) {
  /** The share of parameters that train, in percent. */
  public double trainablePercent() {
    return total == 0 ? 0 : 100.0 * trainable / total;
  }

  /** Whether the merge gap is within float32 tolerance (true when there is nothing to merge). */
  public boolean mergeOk() {
    return Double.isNaN(mergeGap) || mergeGap <= mergeTolerance;
  }
}
