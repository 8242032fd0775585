package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading every readable dtype from files built by hand, against values known independently. */
class SafetensorsDtypeTest {
  @TempDir
  Path dir;

  private Tensor readOne(String dtype, int[] shape, byte[] data) {
    String json = "{\"t\":{\"dtype\":\"" + dtype + "\",\"shape\":" + java.util.Arrays.toString(shape)
        + ",\"data_offsets\":[0," + data.length + "]}}";
    Path file = HandMade.write(dir, dtype + ".safetensors", HandMade.file(json, data));
    TensorFile f = Safetensors.read(file);
    try (SafetensorsReader r = Safetensors.open(file)) {
      assertEquals(Dtype.valueOf(dtype), r.info("t").dtype());
      assertEquals(f.tensors().get("t"), r.tensor("t"), "read and open agree");
    }
    Tensor t = f.tensors().get("t");
    assertArrayEquals(shape, t.shape());
    return t;
  }

  private static void assertBits(float[] expected, Tensor actual) {
    float[] a = actual.toArray();
    assertEquals(expected.length, a.length);
    for (int i = 0; i < a.length; i++) {
      if (Float.isNaN(expected[i])) {
        assertTrue(Float.isNaN(a[i]), "element " + i + " is " + a[i] + ", expected NaN");
      } else {
        assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(a[i]),
            "element " + i + ": expected " + expected[i] + " got " + a[i]);
      }
    }
  }

  @Test
  void f16KnownValues() {
    Tensor t = readOne("F16", new int[] {2, 6}, HandMade.u16(
        0x3c00, 0xc100, 0x7bff, 0x0001, 0x03ff, 0x0400,
        0x8000, 0x7c00, 0xfc00, 0x7e00, 0x3555, 0x0000));
    assertBits(new float[] {
        1f, -2.5f, 65504f, 5.9604645e-8f /* 2^-24, smallest subnormal */,
        6.097555e-5f /* 1023·2^-24, largest subnormal */, 6.1035156e-5f /* 2^-14 */,
        -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        0.33325195f, 0f}, t);
  }

  @Test
  void f16AllBitPatternsMatchTheDefinition() {
    int[] bits = new int[1 << 16];
    for (int i = 0; i < bits.length; i++) {
      bits[i] = i;
    }
    Tensor t = readOne("F16", new int[] {1 << 16}, HandMade.u16(bits));
    float[] expected = new float[bits.length];
    for (int h = 0; h < bits.length; h++) {
      int sign = h >> 15;
      int exp = (h >> 10) & 0x1f;
      int mant = h & 0x3ff;
      double magnitude = exp == 0 ? mant * Math.pow(2, -24)
          : exp == 31 ? (mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
          : (1 + mant / 1024.0) * Math.pow(2, exp - 15);
      expected[h] = (float) (sign == 1 ? -magnitude : magnitude);
    }
    assertBits(expected, t);
  }

  @Test
  void bf16KnownValues() {
    Tensor t = readOne("BF16", new int[] {8}, HandMade.u16(
        0x3f80, 0xc020, 0x7f7f, 0x0001, 0x8000, 0x7f80, 0xff80, 0x7fc0));
    assertBits(new float[] {1f, -2.5f, 3.3895314e38f, 9.18355e-41f /* 2^-133 */, -0f,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}, t);
  }

  @Test
  void f64RoundsToNearestFloat() {
    Tensor t = readOne("F64", new int[] {3, 3}, HandMade.f64(
        1.0, -2.5, 0.1, 1e300, -1e300, 1e-50, Double.NaN, Double.NEGATIVE_INFINITY,
        16777217.0));
    assertBits(new float[] {1f, -2.5f, 0.1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        0f, Float.NaN, Float.NEGATIVE_INFINITY, 16777216f}, t);
  }

  @Test
  void f32IsReadAsIs() {
    Tensor t = readOne("F32", new int[] {}, HandMade.f32(-7.25f));
    assertBits(new float[] {-7.25f}, t);
  }

  @Test
  void integersAndBoolsWidenToFloat() {
    assertBits(new float[] {0f, 1f, 1f, 1f}, readOne("BOOL", new int[] {4}, HandMade.u8(0, 1, 2, 255)));
    assertBits(new float[] {0f, 127f, 128f, 255f}, readOne("U8", new int[] {4},
        HandMade.u8(0, 127, 128, 255)));
    assertBits(new float[] {-128f, -1f, 0f, 127f}, readOne("I8", new int[] {4},
        HandMade.u8(0x80, 0xff, 0, 0x7f)));
    assertBits(new float[] {-32768f, -1f, 32767f}, readOne("I16", new int[] {3},
        HandMade.u16(0x8000, 0xffff, 0x7fff)));
    assertBits(new float[] {32768f, 65535f, 1f}, readOne("U16", new int[] {3},
        HandMade.u16(0x8000, 0xffff, 1)));
    assertBits(new float[] {-2147483648f, -1f, 16777216f}, readOne("I32", new int[] {3},
        HandMade.i32(Integer.MIN_VALUE, -1, 16777217)));
    assertBits(new float[] {4294967296f, 2147483648f, 5f}, readOne("U32", new int[] {3},
        HandMade.i32(-1, Integer.MIN_VALUE, 5)));
    assertBits(new float[] {-9.223372e18f, -3f, 9.223372e18f}, readOne("I64", new int[] {3},
        HandMade.i64(Long.MIN_VALUE, -3, Long.MAX_VALUE)));
    assertBits(new float[] {1.8446744e19f, 9.223372e18f, 42f}, readOne("U64", new int[] {3},
        HandMade.i64(-1L, Long.MIN_VALUE, 42)));
  }

  @Test
  void u64RoundsToNearestEvenAcrossTheSignBit() {
    // 2^63 + 2^39 is exactly halfway between the floats 2^63 and 2^63 + 2^40: ties go to even
    // (2^63); one more makes it nearer the upper float.
    long half = Long.MIN_VALUE + (1L << 39);
    assertBits(new float[] {9.223372e18f, 9.2233731e18f}, readOne("U64", new int[] {2},
        HandMade.i64(half, half + 1)));
  }

  @Test
  void mixedFileWithMetadata() {
    String json = "{\"__metadata__\":{\"format\":\"pt\"},"
        + "\"c\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
        + "\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]},"
        + "\"b\":{\"dtype\":\"F16\",\"shape\":[1,1],\"data_offsets\":[12,14]}}";
    byte[] bytes = HandMade.file(json, HandMade.f64(0.5), HandMade.u16(0x3f80, 0x4000),
        HandMade.u16(0xc100));
    TensorFile f = Safetensors.read(HandMade.write(dir, "mixed.safetensors", bytes));
    assertEquals(List.of("c", "a", "b"), List.copyOf(f.tensors().keySet()), "file order");
    assertEquals(Tensor.of(new float[] {0.5f}, 1), f.tensors().get("c"));
    assertEquals(Tensor.of(new float[] {1f, 2f}, 2), f.tensors().get("a"));
    assertEquals(Tensor.of(new float[] {-2.5f}, 1, 1), f.tensors().get("b"));
    assertEquals(java.util.Map.of("format", "pt"), f.metadata());
  }

  @Test
  void unreadableDtypeIsNamedButTheRestOfTheFileStillReads() {
    String json = "{\"q\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]},"
        + "\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[2,6]}}";
    Path file = HandMade.write(dir, "f8.safetensors",
        HandMade.file(json, HandMade.u8(1, 2), HandMade.f32(9f)));
    try (SafetensorsReader r = Safetensors.open(file)) {
      assertEquals(Dtype.F8_E4M3, r.info("q").dtype());
      assertEquals(Tensor.scalar(9f), r.tensor("s"));
      var e = assertThrows(SafetensorsException.class, () -> r.tensor("q"));
      assertEquals(file + ": tensor 'q': dtype F8_E4M3 cannot be read as float32", e.getMessage());
    }
    var whole = assertThrows(SafetensorsException.class, () -> Safetensors.read(file));
    assertEquals("q", whole.key());
  }

  @Test
  void subByteDtypesMustFillWholeBytes() {
    String ok = "{\"p\":{\"dtype\":\"F4\",\"shape\":[2,2],\"data_offsets\":[0,2]}}";
    try (SafetensorsReader r = Safetensors.open(HandMade.write(dir, "f4.safetensors",
        HandMade.file(ok, HandMade.u8(0x12, 0x34))))) {
      assertEquals(2, r.info("p").byteLength());
    }
    String odd = "{\"p\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}}";
    Path file = HandMade.write(dir, "f4odd.safetensors", HandMade.file(odd, HandMade.u8(1, 2)));
    var e = assertThrows(SafetensorsException.class, () -> Safetensors.open(file));
    assertEquals(file + ": tensor 'p': 3 values of F4 do not fill a whole number of bytes",
        e.getMessage());
  }
}
