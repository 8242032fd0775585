package dev.graft.dsl.io;

/** Widening of the 16-bit float formats (IEEE half, bfloat16) to float32; exact for all inputs. */
final class HalfFloats {
  private HalfFloats() {}

  /**
   * The float32 equal to IEEE 754 half-precision bits {@code h}: subnormals, signed zeros and
   * infinities exact, NaN stays NaN (payload shifted into the wider mantissa).
   */
  static float f16ToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0) {
      float magnitude = mant * 0x1p-24f; // subnormal (or zero): mant · 2^-24, exact in float32
      return sign != 0 ? -magnitude : magnitude;
    }
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f80_0000 | (mant << 13)); // infinity or NaN
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** The float32 whose top 16 bits are the bfloat16 bits {@code b} (and low 16 bits zero). */
  static float bf16ToFloat(short b) {
    return Float.intBitsToFloat((b & 0xffff) << 16);
  }
}
