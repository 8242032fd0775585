package dev.graft.dsl.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a safetensors header says about one tensor, without its values: name, stored dtype, shape,
 * and where its bytes sit in the file's data buffer. Obtained from {@link SafetensorsReader#info};
 * immutable.
 */
public final class TensorInfo {
  private final String name;
  private final Dtype dtype;
  private final int[] shape;
  private final long elementCount;
  private final long byteOffset;
  private final long byteLength;

  TensorInfo(String name, Dtype dtype, int[] shape, long elementCount, long byteOffset,
      long byteLength) {
    this.name = name;
    this.dtype = dtype;
    this.shape = shape.clone();
    this.elementCount = elementCount;
    this.byteOffset = byteOffset;
    this.byteLength = byteLength;
  }

  /** The tensor's key in the file. */
  public String name() {
    return name;
  }

  /** The element type as stored; reading converts it to float32. */
  public Dtype dtype() {
    return dtype;
  }

  /** A copy of the shape; empty for a scalar. */
  public int[] shape() {
    return shape.clone();
  }

  /** Number of elements, the product of the shape (1 for a scalar). */
  public long elementCount() {
    return elementCount;
  }

  /** Start of the tensor's bytes, counted from the start of the data buffer (after the header). */
  public long byteOffset() {
    return byteOffset;
  }

  /** Number of bytes the tensor occupies in the file. */
  public long byteLength() {
    return byteLength;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
        && Arrays.equals(shape, t.shape) && byteOffset == t.byteOffset
        && byteLength == t.byteLength;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dtype, Arrays.hashCode(shape), byteOffset, byteLength);
  }

  /** E.g. {@code TensorInfo[w: BF16 [2, 3] at 0+12]}. */
  @Override
  public String toString() {
    return "TensorInfo[" + SafetensorsException.shown(name) + ": " + dtype + " "
        + Arrays.toString(shape) + " at " + byteOffset
        + "+" + byteLength + "]";
  }
}
