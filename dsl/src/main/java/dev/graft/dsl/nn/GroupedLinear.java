package dev.graft.dsl.nn;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Init;
import dev.graft.runtime.Key;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code G} linear maps side by side, one per group (the experts of a mixture of experts, as
 * d9d's {@code GroupedLinear}): each row of the input goes through the matrix of its group.
 * Note the orientation: {@code weight} is {@code (G, in, out)}, so row {@code x} of group
 * {@code g} maps to {@code x·weight[g] + bias[g]}.
 *
 * <p>The forward pass sorts the rows by group ({@code take}), runs one matmul per non-empty
 * group on a contiguous slice, concatenates and restores the original row order with the
 * inverse permutation, so it is differentiable through the runtime's primitives.
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
    int[] xs = x.shape();
    int in = inFeatures();
    if (xs.length == 0 || xs[xs.length - 1] != in) {
      throw new IllegalArgumentException("GroupedLinear: input shape " + Shapes.format(xs)
          + " does not end in in_features " + in + " (weight " + Shapes.format(weight.shape())
          + ")");
    }
    int[] outShape = xs.clone();
    outShape[xs.length - 1] = outFeatures();
    int n = (int) (x.size() / in);
    if (groups.length != n) {
      throw new IllegalArgumentException("GroupedLinear: " + groups.length
          + " group indices for " + n + " rows of input shape " + Shapes.format(xs));
    }
    int g = numGroups();
    int[] counts = new int[g];
    for (int r = 0; r < n; r++) {
      if (groups[r] < 0 || groups[r] >= g) {
        throw new IndexOutOfBoundsException("GroupedLinear: group index " + groups[r]
            + " of row " + r + " out of range for " + g + " groups");
      }
      counts[groups[r]]++;
    }
    if (n == 0) {
      return Tensor.zeros(outShape);
    }
    int[] start = new int[g + 1];
    for (int k = 0; k < g; k++) {
      start[k + 1] = start[k] + counts[k];
    }
    int[] next = Arrays.copyOf(start, g);
    int[] perm = new int[n]; // sorted position -> original row (stable)
    boolean sorted = true;
    for (int r = 0; r < n; r++) {
      int pos = next[groups[r]]++;
      perm[pos] = r;
      sorted &= pos == r;
    }
    Tensor rows = x.reshape(n, in);
    Tensor grouped = sorted ? rows : rows.take(perm);
    List<Tensor> parts = new ArrayList<>();
    for (int k = 0; k < g; k++) {
      if (counts[k] == 0) {
        continue;
      }
      Tensor seg = counts[k] == n ? grouped : grouped.slice(0, start[k], start[k + 1]);
      Tensor y = seg.matmul(weight.get(k));
      parts.add(bias == null ? y : y.plus(bias.get(k)));
    }
    Tensor out = Tensor.concat(parts, 0);
    if (!sorted) {
      int[] inverse = new int[n];
      for (int pos = 0; pos < n; pos++) {
        inverse[perm[pos]] = pos;
      }
      out = out.take(inverse);
    }
    return out.reshape(outShape);
  }
}
