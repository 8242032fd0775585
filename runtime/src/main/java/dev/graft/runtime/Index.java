package dev.graft.runtime;

/**
 * One axis of a {@link Tensor#get(Index...)} selection: a single position (the axis is dropped),
 * every position, or a strided range. Negative positions count from the end, as in NumPy.
 */
public final class Index {
  private static final Index ALL = new Index(false, 0, Integer.MAX_VALUE, 1);

  private final boolean single;
  private final int start;
  private final int stop;
  private final int step;

  private Index(boolean single, int start, int stop, int step) {
    this.single = single;
    this.start = start;
    this.stop = stop;
    this.step = step;
  }

  /** Position {@code i} of the axis; the axis is dropped from the result. */
  public static Index at(int i) {
    return new Index(true, i, i, 1);
  }

  /** The whole axis ({@code :} in NumPy). */
  public static Index all() {
    return ALL;
  }

  /** Positions {@code start} (inclusive) to {@code stop} (exclusive), clamped as in NumPy. */
  public static Index range(int start, int stop) {
    return range(start, stop, 1);
  }

  /** Every {@code step}-th position from {@code start} (inclusive) to {@code stop} (exclusive). */
  public static Index range(int start, int stop, int step) {
    if (step <= 0) {
      throw new IllegalArgumentException("Index.range: step must be positive, got " + step);
    }
    return new Index(false, start, stop, step);
  }

  /** Whether this index selects one position and drops the axis. */
  boolean isSingle() {
    return single;
  }

  /** Resolved start against an axis of size {@code n}; for a single index, range-checked. */
  int resolveStart(String op, int axis, int n) {
    if (single) {
      int i = start < 0 ? start + n : start;
      if (i < 0 || i >= n) {
        throw new IndexOutOfBoundsException(op + ": index " + start + " out of range for axis "
            + axis + " of size " + n);
      }
      return i;
    }
    return clamp(start, n);
  }

  /** Resolved exclusive stop against an axis of size {@code n}. */
  int resolveStop(String op, int axis, int n) {
    if (single) {
      return resolveStart(op, axis, n) + 1;
    }
    return Math.max(clamp(stop, n), clamp(start, n));
  }

  int step() {
    return step;
  }

  private static int clamp(int i, int n) {
    int r = i < 0 ? i + n : i;
    return Math.max(0, Math.min(n, r));
  }

  @Override
  public String toString() {
    if (single) {
      return Integer.toString(start);
    }
    if (this == ALL) {
      return ":";
    }
    return start + ":" + stop + (step == 1 ? "" : ":" + step);
  }
}
