package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Init;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * {@code G} linear maps side by side, one per group (the experts of a mixture of experts, as
 * d9d's {@code GroupedLinear}): each row of the input goes through the matrix of its group.
 * Note the orientation: {@code weight} is {@code (G, in, out)}, so row {@code x} of group
 * {@code g} maps to {@code x·weight[g] + bias[g]}.
 *
 * <p>The forward pass runs the rows of each non-empty group through that group's {@link #group
 * Linear} ({@link GroupedRows}), so it is differentiable through the runtime's primitives.
 *
 * <p>Initialization ({@link #create}) is PyTorch-like: weight and bias {@code U(-1/√in, 1/√in)}.
 *
 * @param weight the {@code (G, in, out)} matrices
 * @param bias the {@code (G, out)} offsets, or {@code null}
 */
public record GroupedLinear(Tensor weight, @Nullable Tensor bias) implements GroupedLayer {

  /** Validates that {@code weight} is {@code (G, in, out)} and {@code bias} is {@code (G, out)}. */
  public GroupedLinear {
    if (weight.ndim() != 3) {
      throw new IllegalArgumentException("GroupedLinear: weight shape "
          + Shapes.format(weight.shape()) + " must have 3 dims (groups, in, out)");
    }
    if (bias != null && (bias.ndim() != 2 || bias.dim(0) != weight.dim(0)
        || bias.dim(1) != weight.dim(2))) {
      throw new IllegalArgumentException("GroupedLinear: bias shape "
          + Shapes.format(bias.shape()) + " does not match weight "
          + Shapes.format(weight.shape()) + ": expected (" + weight.dim(0) + ", "
          + weight.dim(2) + ")");
    }
  }

  /**
   * {@code groups} maps from {@code in} to {@code out} features, weight and bias both
   * {@code U(-1/√in, 1/√in)}.
   */
  public static GroupedLinear create(int groups, int in, int out, boolean bias, Key key) {
    if (groups <= 0 || in <= 0 || out <= 0) {
      throw new IllegalArgumentException("GroupedLinear: sizes must be positive, got groups="
          + groups + ", in=" + in + ", out=" + out);
    }
    Key[] keys = key.split(2);
    float bound = (float) (1.0 / Math.sqrt(in));
    Tensor w = Init.uniform(keys[0], bound, groups, in, out);
    Tensor b = bias ? Init.uniform(keys[1], bound, groups, out) : null;
    return new GroupedLinear(w, b);
  }

  /** Number of groups (experts). */
  public int numGroups() {
    return weight.dim(0);
  }

  /** Number of input features. */
  public int inFeatures() {
    return weight.dim(1);
  }

  /** Number of output features. */
  public int outFeatures() {
    return weight.dim(2);
  }

  /** Refused: a grouped layer needs each row's group; use {@link #apply(Tensor, int[])}. */
  @Override
  public Tensor apply(Tensor x) {
    throw new UnsupportedOperationException("GroupedLinear: group indices are required, one per "
        + "input row; call apply(x, groups)");
  }

  /**
   * Row {@code r} of {@code x (..., in)} mapped by group {@code groups[r]}'s matrix; the rows are
   * the input flattened to {@code (n, in)}, the result has shape {@code (..., out)}.
   */
  @Override
  public Tensor apply(Tensor x, int[] groups) {
    return GroupedRows.map("GroupedLinear", x, groups, numGroups(), inFeatures(), outFeatures(),
        (k, rows) -> group(k).apply(rows));
  }

  /**
   * Group {@code g}'s map as a {@link Linear}: weight {@code weight[g]ᵀ (out, in)} in PyTorch's
   * orientation, bias {@code bias[g]}. {@link #apply(Tensor, int[])} runs each group's rows through
   * it, so an adapter that sees the groups this way reproduces this layer exactly.
   */
  public Linear group(int g) {
    if (g < 0 || g >= numGroups()) {
      throw new IndexOutOfBoundsException("GroupedLinear: group " + g + " out of range for "
          + numGroups() + " groups");
    }
    return new Linear(weight.get(g).transpose(), bias == null ? null : bias.get(g));
  }
}
