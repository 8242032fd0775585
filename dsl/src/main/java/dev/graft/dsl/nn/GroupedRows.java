package dev.graft.dsl.nn;

import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs each row of an input through a map chosen by the row's group: what {@link GroupedLinear}
 * does with its matrices and an adapter on it does with its per-group parts. The rows are sorted by
 * group ({@code take}), each non-empty group's contiguous slice goes through its map once, and the
 * results are concatenated and put back in the original row order, so the whole is differentiable
 * through the runtime's primitives.
 */
public final class GroupedRows {
  private GroupedRows() {}

  /** One group's map: the rows {@code (count, in)} of {@code group} to {@code (count, out)}. */
  @FunctionalInterface
  public interface GroupMap {
    /** The rows of {@code group}, mapped. */
    Tensor apply(int group, Tensor rows);
  }

  /**
   * Row {@code r} of {@code x (..., in)} through {@code map} for group {@code groups[r]}; the rows
   * are {@code x} flattened to {@code (n, in)}, the result has shape {@code (..., out)}. Errors
   * name {@code layer} and the shapes: an input not ending in {@code in}, a number of group
   * indices other than the number of rows, an index outside {@code [0, numGroups)}.
   */
  public static Tensor map(String layer, Tensor x, int[] groups, int numGroups, int in, int out,
      GroupMap map) {
    int[] xs = x.shape();
    if (xs.length == 0 || xs[xs.length - 1] != in) {
      throw new IllegalArgumentException(layer + ": input shape " + Shapes.format(xs)
          + " does not end in in_features " + in + " (" + numGroups + " groups of " + in + " -> "
          + out + ")");
    }
    int[] outShape = xs.clone();
    outShape[xs.length - 1] = out;
    int n = (int) (x.size() / in);
    if (groups.length != n) {
      throw new IllegalArgumentException(layer + ": " + groups.length
          + " group indices for " + n + " rows of input shape " + Shapes.format(xs));
    }
    int[] counts = new int[numGroups];
    for (int r = 0; r < n; r++) {
      if (groups[r] < 0 || groups[r] >= numGroups) {
        throw new IndexOutOfBoundsException(layer + ": group index " + groups[r]
            + " of row " + r + " out of range for " + numGroups + " groups");
      }
      counts[groups[r]]++;
    }
    if (n == 0) {
      return Tensor.zeros(outShape);
    }
    int[] start = new int[numGroups + 1];
    for (int k = 0; k < numGroups; k++) {
      start[k + 1] = start[k] + counts[k];
    }
    int[] next = Arrays.copyOf(start, numGroups);
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
    for (int k = 0; k < numGroups; k++) {
      if (counts[k] > 0) {
        parts.add(map.apply(k, counts[k] == n ? grouped
            : grouped.slice(0, start[k], start[k + 1])));
      }
    }
    Tensor result = parts.size() == 1 ? parts.get(0) : Tensor.concat(parts, 0);
    if (!sorted) {
      int[] inverse = new int[n];
      for (int pos = 0; pos < n; pos++) {
        inverse[perm[pos]] = pos;
      }
      result = result.take(inverse);
    }
    return result.reshape(outShape);
  }
}
