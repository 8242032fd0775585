package dev.graft.dsl.io;

import static dev.graft.dsl.io.HandMade.concat;
import static dev.graft.dsl.io.HandMade.f32;
import static dev.graft.dsl.io.HandMade.file;
import static dev.graft.dsl.io.HandMade.u64;
import static dev.graft.dsl.io.HandMade.u8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jspecify.annotations.Nullable;

/** Every kind of malformed file is a {@link SafetensorsException} naming the file and the key. */
class SafetensorsBadInputTest {
  @TempDir
  Path dir;

  private Path path;

  /** Reading {@code bytes} fails the same way through read and open; returns the error. */
  private SafetensorsException rejects(byte[] bytes, @Nullable String key, String... fragments) {
    path = HandMade.write(dir, "bad.safetensors", bytes);
    var e = assertThrows(SafetensorsException.class, () -> Safetensors.read(path));
    var viaOpen = assertThrows(SafetensorsException.class, () -> Safetensors.open(path).close());
    assertEquals(e.getMessage(), viaOpen.getMessage());
    assertEquals(path, e.file());
    assertEquals(key, e.key(), e.getMessage());
    String prefix = path + ": " + (key == null ? "" : "tensor '" + key + "': ");
    if (key != null && key.equals("__metadata__")) {
      prefix = path + ": __metadata__: ";
    }
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should contain '" + f + "'");
    }
    return e;
  }

  private SafetensorsException rejects(String json, byte[] data, @Nullable String key,
      String... fragments) {
    return rejects(file(json, data), key, fragments);
  }

  private static String entry(String name, String dtype, String shape, long begin, long end) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape
        + ",\"data_offsets\":[" + begin + "," + end + "]}";
  }

  // ------------------------------------------------------------------ the frame

  @Test
  void fileTooShortForTheLength() {
    rejects(new byte[0], null, "file has 0 bytes, too few for the 8-byte header length");
    rejects(u8(1, 2, 3), null, "file has 3 bytes, too few");
  }

  @Test
  void headerLengthPastTheEnd() {
    var e = rejects(concat(u64(100), "{}".getBytes(StandardCharsets.US_ASCII)), null);
    assertEquals(path + ": header length 100 runs past the end of the file (10 bytes)",
        e.getMessage());
  }

  @Test
  void headerLengthAbsurd() {
    rejects(concat(u64(-1), new byte[8]), null,
        "header length 18446744073709551615 is beyond the 100000000-byte limit");
    rejects(concat(u64(Long.MIN_VALUE), new byte[8]), null, "is beyond");
    rejects(concat(u64(200_000_000), new byte[8]), null, "header length 200000000 is beyond");
  }

  @Test
  void truncatedFile() {
    byte[] whole = file("{" + entry("a", "F32", "[2]", 0, 8) + "}", f32(1f, 2f));
    rejects(java.util.Arrays.copyOf(whole, whole.length - 1), "a", "run past the end");
    rejects(java.util.Arrays.copyOf(whole, 20), null, "runs past the end of the file");
  }

  // ------------------------------------------------------------------ the JSON

  @Test
  void headerNotUtf8() {
    rejects(concat(u64(3), u8('{', 0xff, '}')), null, "header is not valid UTF-8");
  }

  @Test
  void headerNotJson() {
    rejects("{\"a\":", new byte[0], "a", "header is not valid JSON");
    rejects("{'a':1}", new byte[0], null, "header is not valid JSON");
    rejects("{} x", new byte[0], null, "header is not valid JSON");
    rejects("{\"a\":" + "[".repeat(3000) + "]".repeat(3000) + "}", new byte[0], "a",
        "header is not valid JSON"); // nesting bound, no StackOverflowError
  }

  @Test
  void headerNotAnObject() {
    rejects("[]", new byte[0], null, "header is not a JSON object but [");
    rejects("\"x\"", new byte[0], null, "header is not a JSON object");
    rejects("null", new byte[0], null, "header is not a JSON object but null");
    rejects("", new byte[0], null, "header is not a JSON object but empty");
    rejects("   ", new byte[0], null, "header is not a JSON object but empty");
  }

  @Test
  void contentAfterTheHeaderObject() {
    rejects("{}{}", new byte[0], null, "content after the end of the JSON header");
  }

  @Test
  void duplicateKeys() {
    String a = entry("a", "F32", "[1]", 0, 4);
    rejects("{" + a + "," + a + "}", f32(1f), "a", "key appears twice in the header");
    rejects("{\"__metadata__\":{},\"__metadata__\":{}}", new byte[0], "__metadata__",
        "appears twice");
    rejects("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        f32(1f), "a", "not valid JSON", "dtype");
    rejects("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", new byte[0], "__metadata__",
        "not valid JSON");
  }

  // ------------------------------------------------------------------ entries

  @Test
  void entryFieldsMissingOrMistyped() {
    byte[] four = f32(1f);
    rejects("{\"a\":42}", four, "a", "entry is not a JSON object but NUMBER");
    rejects("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", four, "a", "entry has no \"dtype\"");
    rejects("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", four, "a", "no \"shape\"");
    rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", four, "a", "no \"data_offsets\"");
    rejects("{\"a\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", four, "a",
        "\"dtype\" is not a string");
    rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":\"[1]\",\"data_offsets\":[0,4]}}", four, "a",
        "\"shape\" is not an array");
    rejects("{" + entry("a", "F32", "[1]", 0, 4).replace("[0,4]", "[0]") + "}", four, "a",
        "\"data_offsets\" has 1 numbers, not 2");
    rejects("{" + entry("a", "F32", "[1]", 0, 4).replace("[0,4]", "[0,4,4]") + "}", four, "a",
        "has 3 numbers");
  }

  @Test
  void unknownDtype() {
    var e = rejects("{" + entry("w", "F33", "[1]", 0, 4) + "}", f32(1f), "w");
    assertEquals(path + ": tensor 'w': unknown dtype 'F33'", e.getMessage());
  }

  @Test
  void negativeOrNonIntegerDims() {
    byte[] four = f32(1f);
    rejects("{" + entry("a", "F32", "[-1]", 0, 4) + "}", four, "a",
        "\"shape\" [-1] holds -1, not a non-negative integer");
    rejects("{" + entry("a", "F32", "[1.5]", 0, 4) + "}", four, "a", "holds 1.5");
    rejects("{" + entry("a", "F32", "[1.0]", 0, 4) + "}", four, "a", "not a non-negative integer");
    rejects("{" + entry("a", "F32", "[\"1\"]", 0, 4) + "}", four, "a", "not a non-negative");
    rejects("{" + entry("a", "F32", "[null]", 0, 4) + "}", four, "a", "not a non-negative");
    rejects("{" + entry("a", "F32", "[99999999999999999999999]", 0, 4) + "}", four, "a",
        "not a non-negative integer");
  }

  @Test
  void dimsTooLarge() {
    byte[] four = f32(1f);
    rejects("{" + entry("a", "F32", "[3000000000]", 0, 4) + "}", four, "a",
        "dimension 3000000000 in \"shape\" is larger than 2147483647");
    rejects("{" + entry("a", "F32", "[2147483647,2147483647,2147483647]", 0, 4) + "}", four, "a",
        "shape is too large");
    rejects("{" + entry("a", "F64", "[2147483647,2147483647]", 0, 4) + "}", four, "a",
        "shape is too large");
  }

  @Test
  void negativeOrHugeOffsets() {
    byte[] four = f32(1f);
    rejects("{" + entry("a", "F32", "[1]", -4, 0) + "}", four, "a", "\"data_offsets\" [-4,0]");
    rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,1e30]}}", four, "a",
        "not a non-negative integer");
    rejects("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,18446744073709551616]}}",
        four, "a", "not a non-negative integer");
  }

  @Test
  void byteCountDisagreesWithDtypeAndShape() {
    var e = rejects("{" + entry("a", "F32", "[3]", 0, 8) + "}", f32(1f, 2f), "a");
    assertEquals(path + ": tensor 'a': data_offsets [0, 8] hold 8 bytes but F32 of shape [3]"
        + " needs 12", e.getMessage());
    rejects("{" + entry("a", "F64", "[1]", 0, 4) + "}", f32(1f), "a", "F64 of shape [1] needs 8");
    rejects("{" + entry("a", "F32", "[]", 0, 0) + "}", new byte[0], "a", "needs 4");
    rejects("{" + entry("a", "F32", "[0]", 0, 4) + "}", f32(1f), "a", "hold 4 bytes", "needs 0");
  }

  @Test
  void offsetsOutOfRangeOrBackwards() {
    rejects("{" + entry("a", "F32", "[2]", 0, 8) + "}", f32(1f), "a",
        "data_offsets [0, 8] run past the end of the data buffer (4 bytes)");
    rejects("{" + entry("a", "F32", "[1]", 8, 4) + "}", f32(1f, 2f), "a",
        "data_offsets [8, 4] end before they begin");
  }

  @Test
  void overlappingOffsets() {
    var e = rejects("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12)
        + "}", f32(1f, 2f, 3f), "b");
    assertEquals(path + ": tensor 'b': bytes from 4 overlap tensor 'a', which ends at 8",
        e.getMessage());
    rejects("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 0, 4) + "}",
        f32(1f), "b", "overlap tensor 'a'"); // same range twice
  }

  @Test
  void gapsInTheData() {
    rejects("{" + entry("a", "F32", "[1]", 4, 8) + "}", f32(1f, 2f), "a",
        "bytes begin at 4, leaving a gap of 4 bytes after the start of the data buffer");
    rejects("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}",
        f32(1f, 2f, 3f), "b", "leaving a gap of 4 bytes after tensor 'a'");
  }

  @Test
  void dataBeyondTheLastTensor() {
    var e = rejects("{" + entry("a", "F32", "[1]", 0, 4) + "}", f32(1f, 2f), "a");
    assertEquals(path + ": tensor 'a': data buffer has 8 bytes but the tensors cover 4; the last"
        + " 4 belong to no tensor", e.getMessage());
    rejects("{}", f32(1f), null, "data buffer has 4 bytes but the tensors cover 0");
  }

  @Test
  void badMetadata() {
    rejects("{\"__metadata__\":[1]}", new byte[0], "__metadata__", "is not a JSON object");
    rejects("{\"__metadata__\":{\"k\":1}}", new byte[0], "__metadata__",
        "value of 'k' is not a string but NUMBER");
    rejects("{\"__metadata__\":{\"k\":null}}", new byte[0], "__metadata__", "not a string");
  }

  @Test
  void nullMetadataReadsAsEmpty() {
    path = HandMade.write(dir, "nullmeta.safetensors", file("{\"__metadata__\":null}"));
    assertTrue(Safetensors.read(path).metadata().isEmpty());
  }

  // ------------------------------------------------------------------ the file system

  @Test
  void missingFileOrDirectory() {
    Path missing = dir.resolve("nope.safetensors");
    var e = assertThrows(SafetensorsException.class, () -> Safetensors.read(missing));
    assertEquals(missing, e.file());
    assertNull(e.key());
    assertTrue(e.getMessage().startsWith(missing + ": cannot open: "), e.getMessage());
    var d = assertThrows(SafetensorsException.class, () -> Safetensors.read(dir));
    assertEquals(dir, d.file());
  }
}
