package dev.graft.runtime;

import java.util.Arrays;

/**
 * The static arguments of one primitive application (axes, shapes, flags). Arrays held by a
 * params record are never written after it is built.
 *
 * <p><b>Internal</b>: part of the interface between the runtime and the autodiff module (an
 * interpreter sees every primitive application). It is public only because that module lives in
 * another package; applications use {@link Tensor}'s methods and {@code dev.graft.autodiff.Grad}
 * instead, and it may change without notice.
 */
public sealed interface Params {

  /** The params of a primitive that takes none. */
  Params NONE = new None();

  /** No static arguments. */
  record None() implements Params {}

  /** A target shape: {@link Primitive#RESHAPE}, {@link Primitive#BROADCAST_TO}. */
  record Shape(int[] shape) implements Params {
    @Override
    public String toString() {
      return "Shape" + Arrays.toString(shape);
    }
  }

  /** An axis permutation: {@link Primitive#PERMUTE}. */
  record Perm(int[] perm) implements Params {
    @Override
    public String toString() {
      return "Perm" + Arrays.toString(perm);
    }
  }

  /** One non-negative axis: {@link Primitive#CONCAT}, softmax. */
  record Axis(int axis) implements Params {}

  /** Sorted, distinct, non-negative axes and whether reduced axes are kept with size 1. */
  record Axes(int[] axes, boolean keepDims) implements Params {
    @Override
    public String toString() {
      return "Axes" + Arrays.toString(axes) + (keepDims ? " keepDims" : "");
    }
  }

  /**
   * A strided box: for each axis, {@code start} (inclusive), {@code stop} (exclusive) and a
   * positive {@code step}; {@code source} is the shape of the tensor the box is cut from.
   */
  record Slice(int[] source, int[] start, int[] stop, int[] step) implements Params {
    /** The shape of the box. */
    public int[] resultShape() {
      int[] out = new int[source.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = Math.max(0, (stop[i] - start[i] + step[i] - 1) / step[i]);
      }
      return out;
    }

    @Override
    public String toString() {
      return "Slice[source=" + Arrays.toString(source) + ", start=" + Arrays.toString(start)
          + ", stop=" + Arrays.toString(stop) + ", step=" + Arrays.toString(step) + "]";
    }
  }

  /** Row indices along axis 0, and for {@link Primitive#SCATTER_ADD} the row count. */
  record Take(int[] indices, int rows) implements Params {
    @Override
    public String toString() {
      return "Take[n=" + indices.length + ", rows=" + rows + "]";
    }
  }

  /** Whether each matmul operand is transposed in its last two axes. */
  record Matmul(boolean transposeA, boolean transposeB) implements Params {}

  /**
   * The patches a convolution reads ({@link Primitive#IM2COL}, {@link Primitive#COL2IM}), per
   * spatial axis: the input's spatial size, the kernel size, stride, padding (both sides) and
   * dilation. (A layer's user-facing settings are {@code dev.graft.dsl.nn.ConvGeometry}.)
   */
  record Patches(int[] spatial, int[] kernel, int[] stride, int[] padding, int[] dilation)
      implements Params {
    /** Number of spatial axes (1, 2 or 3). */
    public int rank() {
      return spatial.length;
    }

    /** Output spatial size along each axis. */
    public int[] outSpatial() {
      int[] out = new int[spatial.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = (spatial[i] + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i] + 1;
      }
      return out;
    }

    @Override
    public String toString() {
      return "Patches[spatial=" + Arrays.toString(spatial) + ", kernel="
          + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding="
          + Arrays.toString(padding) + ", dilation=" + Arrays.toString(dilation) + "]";
    }
  }
}
