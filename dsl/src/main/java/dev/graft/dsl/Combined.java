package dev.graft.dsl;

import dev.graft.dsl.tree.Path;
import java.util.Map;

/**
 * What {@link Net#combine(String, Map, int)} returns: the net with the new adapter set, and for
 * each layer the share of the combined update's energy (sum of squared singular values) that the
 * truncation to the requested rank left out: 0 when nothing was lost.
 *
 * @param net the net holding the combined set (not active; {@link Net#activate} it)
 * @param discardedEnergy by layer path, {@code Σ_{j>k} σⱼ² / Σ_j σⱼ²} in {@code [0, 1]}
 */
public record Combined(Net net, Map<Path, Double> discardedEnergy) {
  /** Copies the map. */
  public Combined {
    discardedEnergy = java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(discardedEnergy));
  }

  /** The largest discarded share over the layers, 0 when there are none. */
  public double maxDiscardedEnergy() {
    double m = 0;
    for (double d : discardedEnergy.values()) {
      m = Math.max(m, d);
    }
    return m;
  }
}
