package dev.graft.spark;

import java.util.Locale;

/**
 * What a data-parallel run sends over the network, counted from the exact payloads it hands to
 * Spark (Spark's own envelope — task descriptions, metrics, block headers — comes on top; see
 * {@link TaskTraffic} to measure that too).
 *
 * @param partitions the partitions (workers) each step ran on
 * @param steps the optimizer steps taken
 * @param baseBytes the net broadcast once at the start (module tree and trainable paths)
 * @param adapterBytesPerStep the trainable leaves broadcast before every step
 * @param gradientBytesPerStep the partial gradient sums all partitions return in one step
 * @param trainableParameters the trainable parameters, for comparison
 * @param totalParameters all parameters of the net, for comparison
 */
public record Traffic(int partitions, long steps, long baseBytes, long adapterBytesPerStep,
    long gradientBytesPerStep, long trainableParameters, long totalParameters) {

  /** Bytes per step in both directions, per worker: one adapter copy down, one gradient up. */
  public long bytesPerWorkerPerStep() {
    return adapterBytesPerStep + gradientBytesPerStep / Math.max(1, partitions);
  }

  /** A one-line summary with the sizes in bytes. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "Traffic[%d partitions, %d steps; base %,d B once;"
        + " per step: adapters %,d B down, gradients %,d B up (%,d trainable of %,d parameters)]",
        partitions, steps, baseBytes, adapterBytesPerStep, gradientBytesPerStep,
        trainableParameters, totalParameters);
  }
}
