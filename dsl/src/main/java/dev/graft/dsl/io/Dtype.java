package dev.graft.dsl.io;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An element type a safetensors file may declare, by its name in the header ({@code "F32"},
 * {@code "BF16"}, ...) and its width in bits. Graft tensors are float32, so a readable dtype is one
 * whose values widen or narrow to float32: floats round to nearest, integers above 2<sup>24</sup>
 * lose their low bits, {@code BOOL} reads as 0 or 1. The 8-bit and smaller float formats and
 * {@code C64} are known, so a file holding them still opens and its other tensors still read, but
 * reading such a tensor is an error that names it.
 */
public enum Dtype {
  /** One byte per value, 0 is false, anything else true. */
  BOOL(8, true),
  /** Unsigned 8-bit integer. */
  U8(8, true),
  /** Signed 8-bit integer. */
  I8(8, true),
  /** Signed 16-bit integer. */
  I16(16, true),
  /** Unsigned 16-bit integer. */
  U16(16, true),
  /** Signed 32-bit integer. */
  I32(32, true),
  /** Unsigned 32-bit integer. */
  U32(32, true),
  /** Signed 64-bit integer. */
  I64(64, true),
  /** Unsigned 64-bit integer. */
  U64(64, true),
  /** IEEE 754 half precision. */
  F16(16, true),
  /** bfloat16: the top 16 bits of a float32. */
  BF16(16, true),
  /** IEEE 754 single precision, Graft's own type; the only one the writer produces. */
  F32(32, true),
  /** IEEE 754 double precision, rounded to float32 on reading. */
  F64(64, true),
  /** 8-bit float, 4 exponent and 3 mantissa bits; not readable. */
  F8_E4M3(8, false),
  /** 8-bit float, 5 exponent and 2 mantissa bits; not readable. */
  F8_E5M2(8, false),
  /** 8-bit exponent-only scale; not readable. */
  F8_E8M0(8, false),
  /** 6-bit float, 2 exponent and 3 mantissa bits; not readable. */
  F6_E2M3(6, false),
  /** 6-bit float, 3 exponent and 2 mantissa bits; not readable. */
  F6_E3M2(6, false),
  /** 4-bit float; not readable. */
  F4(4, false),
  /** Complex number of two float32; not readable. */
  C64(64, false);

  private static final Map<String, Dtype> BY_NAME = new HashMap<>();

  static {
    for (Dtype d : values()) {
      BY_NAME.put(d.name(), d);
    }
  }

  private final int bits;
  private final boolean readable;

  Dtype(int bits, boolean readable) {
    this.bits = bits;
    this.readable = readable;
  }

  /** The dtype called {@code name} in a safetensors header, or null if there is none. */
  public static @Nullable Dtype fromName(String name) {
    return BY_NAME.get(name);
  }

  /** Width of one value in bits. */
  public int bits() {
    return bits;
  }

  /** Whether {@link SafetensorsReader#tensor} can turn values of this type into float32. */
  public boolean isReadable() {
    return readable;
  }

  /** Bytes per value of a readable (whole-byte) dtype. */
  int bytes() {
    return bits / 8;
  }

  /**
   * Reads {@code count} values from {@code src} (little-endian, positioned at the first) into
   * {@code dst[offset..]} as float32, advancing {@code src}.
   */
  void decode(ByteBuffer src, float[] dst, int offset, int count) {
    int end = offset + count;
    switch (this) {
      case F32 -> {
        src.asFloatBuffer().get(dst, offset, count);
        src.position(src.position() + 4 * count);
      }
      case F64 -> {
        for (int i = offset; i < end; i++) {
          dst[i] = (float) src.getDouble();
        }
      }
      case F16 -> {
        for (int i = offset; i < end; i++) {
          dst[i] = HalfFloats.f16ToFloat(src.getShort());
        }
      }
      case BF16 -> {
        for (int i = offset; i < end; i++) {
          dst[i] = HalfFloats.bf16ToFloat(src.getShort());
        }
      }
      case BOOL -> {
        for (int i = offset; i < end; i++) {
          dst[i] = src.get() != 0 ? 1f : 0f;
        }
      }
      case U8 -> {
        for (int i = offset; i < end; i++) {
          dst[i] = src.get() & 0xff;
        }
      }
      case I8 -> {
        for (int i = offset; i < end; i++) {
          dst[i] = src.get();
        }
      }
      case I16 -> {
        for (int i = offset; i < end; i++) {
          dst[i] = src.getShort();
        }
      }
      case U16 -> {
        for (int i = offset; i < end; i++) {
          dst[i] = src.getShort() & 0xffff;
        }
      }
      case I32 -> {
        for (int i = offset; i < end; i++) {
          dst[i] = src.getInt();
        }
      }
      case U32 -> {
        for (int i = offset; i < end; i++) {
          dst[i] = src.getInt() & 0xffff_ffffL;
        }
      }
      case I64 -> {
        for (int i = offset; i < end; i++) {
          dst[i] = src.getLong();
        }
      }
      case U64 -> {
        for (int i = offset; i < end; i++) {
          dst[i] = unsignedToFloat(src.getLong());
        }
      }
      default -> throw new IllegalStateException(this + " is not readable");
    }
  }

  /** Rounds an unsigned 64-bit value to the nearest float, as if it were exact. */
  private static float unsignedToFloat(long v) {
    if (v >= 0) {
      return v;
    }
    // Halve keeping the lost bit sticky, so rounding to 24 bits is still to nearest-even.
    return ((v >>> 1) | (v & 1)) * 2f;
  }
}
