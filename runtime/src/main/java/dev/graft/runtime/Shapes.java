package dev.graft.runtime;

import java.util.Arrays;

/** Shape arithmetic shared by tensors, kernels and the layers above: sizes, broadcasting, axes. */
public final class Shapes {
  private Shapes() {}

  /**
   * Number of elements of a tensor of this shape ({@code 1} for a scalar, {@code 0} when a
   * dimension is 0). A negative dimension, or a product beyond {@code 2^31-1} (however far: the
   * count never wraps around), is an {@link IllegalArgumentException} naming the shape.
   */
  public static int size(int[] shape) {
    long n = count(shape);
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("shape " + format(shape)
          + " has more than 2^31-1 elements");
    }
    return (int) n;
  }

  /**
   * The element count of {@code shape}, exact up to {@code 2^31-1} and saturated at {@code 2^31}
   * above it (so it never overflows); a negative dimension is refused.
   */
  static long count(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + format(shape));
      }
      // n <= 2^31 and d < 2^31, so the product fits a long.
      n = Math.min(n * d, 1L << 31);
    }
    return n;
  }

  /** {@link #size}, the message naming {@code op}: for shapes an operation is about to make. */
  static int size(String op, int[] shape) {
    if (count(shape) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(op + ": the result shape " + format(shape)
          + " has more than 2^31-1 elements");
    }
    return (int) count(shape);
  }

  /** Row-major strides of a shape. */
  public static int[] strides(int[] shape) {
    int[] strides = new int[shape.length];
    int s = 1;
    for (int i = shape.length - 1; i >= 0; i--) {
      strides[i] = s;
      s *= shape[i];
    }
    return strides;
  }

  /** Formats a shape as PyTorch prints it: {@code (32, 10)}, {@code (5,)}, {@code ()}. */
  public static String format(int[] shape) {
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(shape[i]);
    }
    return sb.append(')').toString();
  }

  /**
   * The NumPy broadcast of two shapes, or an {@link IllegalArgumentException} naming {@code op}
   * and both shapes.
   */
  public static int[] broadcast(String op, int[] a, int[] b) {
    int n = Math.max(a.length, b.length);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      int da = i < n - a.length ? 1 : a[i - (n - a.length)];
      int db = i < n - b.length ? 1 : b[i - (n - b.length)];
      if (da == db || db == 1) {
        out[i] = da;
      } else if (da == 1) {
        out[i] = db;
      } else {
        throw new IllegalArgumentException(op + ": " + format(a) + " and " + format(b)
            + ": cannot broadcast, dim " + i + " is " + da + " vs " + db);
      }
    }
    size(op, out);
    return out;
  }

  /** Whether {@code from} broadcasts to exactly {@code to}. */
  static boolean broadcastsTo(int[] from, int[] to) {
    if (from.length > to.length) {
      return false;
    }
    int off = to.length - from.length;
    for (int i = 0; i < from.length; i++) {
      if (from[i] != 1 && from[i] != to[i + off]) {
        return false;
      }
    }
    return true;
  }

  /** Resolves a possibly negative axis against {@code ndim}, naming {@code op} on error. */
  public static int axis(String op, int axis, int ndim) {
    int a = axis < 0 ? axis + ndim : axis;
    if (a < 0 || a >= ndim) {
      throw new IllegalArgumentException(op + ": axis " + axis + " out of range for a tensor with "
          + ndim + " dims");
    }
    return a;
  }

  /**
   * Resolves, sorts and de-duplicates axes; no axes means all of them. A repeated axis is an
   * error naming {@code op}.
   */
  public static int[] axes(String op, int[] axes, int ndim) {
    if (axes.length == 0) {
      int[] all = new int[ndim];
      for (int i = 0; i < ndim; i++) {
        all[i] = i;
      }
      return all;
    }
    int[] out = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      out[i] = axis(op, axes[i], ndim);
    }
    Arrays.sort(out);
    for (int i = 1; i < out.length; i++) {
      if (out[i] == out[i - 1]) {
        throw new IllegalArgumentException(op + ": axis " + out[i] + " given twice in "
            + Arrays.toString(axes));
      }
    }
    return out;
  }

  /** The shape left after reducing {@code axes} (sorted), keeping them as size 1 or dropping them. */
  public static int[] reduced(int[] shape, int[] axes, boolean keepDims) {
    boolean[] reduce = new boolean[shape.length];
    for (int a : axes) {
      reduce[a] = true;
    }
    int[] out = new int[keepDims ? shape.length : shape.length - axes.length];
    int j = 0;
    for (int i = 0; i < shape.length; i++) {
      if (!reduce[i]) {
        out[j++] = shape[i];
      } else if (keepDims) {
        out[j++] = 1;
      }
    }
    return out;
  }
}
