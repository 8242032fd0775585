package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

class SafetensorsRoundTripTest {
  @TempDir
  Path dir;

  // ------------------------------------------------------------------ generators

  /** Mostly printable ASCII, sometimes any Unicode scalar value (never a lone surrogate). */
  static Gen<String> names() {
    Gen<Integer> ascii = integers().between(0x20, 0x7e);
    Gen<Integer> any = integers().between(0, 0x10ffff - 0x800).map(c -> c >= 0xd800 ? c + 0x800 : c);
    return lists().of(ascii.mix(any, 25)).ofSizeBetween(0, 8).map(cps -> {
      StringBuilder sb = new StringBuilder();
      cps.forEach(sb::appendCodePoint);
      return sb.toString();
    });
  }

  /** Rank 0 to 4, dims 0 to 4: scalars and zero-size tensors included. */
  static Gen<int[]> shapes() {
    return lists().of(integers().between(0, 4)).ofSizeBetween(0, 4)
        .map(l -> l.stream().mapToInt(Integer::intValue).toArray());
  }

  static Gen<Tensor> tensors() {
    return shapes().zip(longs().all(), SafetensorsRoundTripTest::randomTensor);
  }

  /** Values of every kind: arbitrary bit patterns (NaNs with payloads), specials, ordinary. */
  static Tensor randomTensor(int[] shape, long seed) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    Random r = new Random(seed);
    float[] specials = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, Float.MAX_VALUE, -Float.MIN_NORMAL};
    float[] data = new float[n];
    for (int i = 0; i < n; i++) {
      int kind = r.nextInt(4);
      data[i] = kind == 0 ? Float.intBitsToFloat(r.nextInt())
          : kind == 1 ? specials[r.nextInt(specials.length)]
          : (float) r.nextGaussian();
    }
    return Tensor.of(data, shape);
  }

  static Gen<Map<String, Tensor>> tensorMaps() {
    return lists().of(names().zip(tensors(), Map::entry)).ofSizeBetween(0, 6).map(entries -> {
      Map<String, Tensor> m = new LinkedHashMap<>();
      entries.forEach(e -> {
        if (!e.getKey().equals("__metadata__")) {
          m.put(e.getKey(), e.getValue());
        }
      });
      return m;
    });
  }

  static Gen<Map<String, String>> metadataMaps() {
    return lists().of(names().zip(names(), Map::entry)).ofSizeBetween(0, 3).map(entries -> {
      Map<String, String> m = new LinkedHashMap<>();
      entries.forEach(e -> m.put(e.getKey(), e.getValue()));
      return m;
    });
  }

  // ------------------------------------------------------------------ properties

  @Test
  void readGivesBackWhatWasWrittenBitForBit() {
    Path file = dir.resolve("p.safetensors");
    qt().withExamples(200).forAll(tensorMaps(), metadataMaps()).checkAssert((tensors, meta) -> {
      Safetensors.write(file, tensors, meta);
      TensorFile back = Safetensors.read(file);
      assertEquals(new ArrayList<>(new TreeMap<>(tensors).keySet()),
          new ArrayList<>(back.tensors().keySet()), "keys come back sorted by name");
      tensors.forEach((name, t) -> assertSameBits(t, back.tensors().get(name)));
      assertEquals(meta, back.metadata());
    });
  }

  @Test
  void readerGivesEachTensorAndItsInfo() {
    Path file = dir.resolve("r.safetensors");
    qt().withExamples(100).forAll(tensorMaps()).checkAssert(tensors -> {
      Safetensors.write(file, tensors);
      try (SafetensorsReader r = Safetensors.open(file)) {
        assertEquals(new TreeMap<>(tensors).keySet(), r.keys());
        List<String> reversed = new ArrayList<>(r.keys());
        java.util.Collections.reverse(reversed); // any order, any subset
        for (String name : reversed) {
          Tensor t = tensors.get(name);
          TensorInfo info = r.info(name);
          assertEquals(Dtype.F32, info.dtype());
          assertArrayEquals(t.shape(), info.shape());
          assertEquals(t.size(), info.elementCount());
          assertEquals(4 * t.size(), info.byteLength());
          assertSameBits(t, r.tensor(name));
        }
      }
    });
  }

  @Test
  void headerIsPaddedWithSpacesToEightBytes() {
    Path file = dir.resolve("pad.safetensors");
    qt().withExamples(60).forAll(tensorMaps(), metadataMaps()).checkAssert((tensors, meta) -> {
      Safetensors.write(file, tensors, meta);
      byte[] bytes = readBytes(file);
      long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
      assertEquals(0, n % 8, "header length " + n);
      String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
      String trimmed = header.stripTrailing();
      assertTrue(trimmed.endsWith("}"), header);
      assertTrue(header.substring(trimmed.length()).chars().allMatch(c -> c == ' '), header);
      assertTrue(header.length() - trimmed.length() < 8, header);
    });
  }

  // ------------------------------------------------------------------ examples

  @Test
  void writesExactlyTheCanonicalBytes() {
    Path file = dir.resolve("golden.safetensors");
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("b", Tensor.of(new float[] {1f, -2.5f}, 2));
    tensors.put("a", Tensor.scalar(3f));
    Safetensors.write(file, tensors, Map.of("format", "pt"));

    String json = "{\"__metadata__\":{\"format\":\"pt\"},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
    String padded = json + " ".repeat((8 - json.length() % 8) % 8);
    byte[] expected = HandMade.file(padded, HandMade.f32(3f), HandMade.f32(1f, -2.5f));
    assertArrayEquals(expected, readBytes(file));
  }

  @Test
  void emptyFileHoldsNoTensors() {
    Path file = dir.resolve("empty.safetensors");
    Safetensors.write(file, Map.of());
    assertArrayEquals(HandMade.file("{}      "), readBytes(file));
    TensorFile back = Safetensors.read(file);
    assertTrue(back.tensors().isEmpty());
    assertTrue(back.metadata().isEmpty());
  }

  @Test
  void unusualNamesAndMetadataSurvive() {
    Path file = dir.resolve("names.safetensors");
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("", Tensor.scalar(1f));
    tensors.put("quote\" backslash\\ nul\0 tab\t", Tensor.zeros(0, 3));
    tensors.put("emoji \uD83D\uDE00 and ünïcödé", Tensor.ones(2, 0, 1));
    tensors.put("base_model.model.layers.0.q_proj.lora_A.weight", Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3));
    Map<String, String> meta = Map.of("format", "pt", "\uD83D\uDE00", "line\nbreak \"quoted\"");
    Safetensors.write(file, tensors, meta);
    TensorFile back = Safetensors.read(file);
    assertEquals(tensors, back.tensors());
    assertEquals(meta, back.metadata());
  }

  @Test
  void largeTensorsStreamThroughSeveralChunks() {
    Path file = dir.resolve("large.safetensors");
    Tensor big = randomTensor(new int[] {700, 531}, 7); // 1.4 MiB: more than one 1 MiB chunk
    Tensor small = Tensor.of(new float[] {4f, 5f}, 2);
    Safetensors.write(file, Map.of("big", big, "small", small));
    try (SafetensorsReader r = Safetensors.open(file)) {
      assertSameBits(big, r.tensor("big"));
      assertSameBits(small, r.tensor("small"));
    }
  }

  @Test
  void writeReplacesAnExistingFile() {
    Path file = dir.resolve("replace.safetensors");
    Safetensors.write(file, Map.of("old", Tensor.ones(3)));
    Safetensors.write(file, Map.of("new", Tensor.zeros(2)));
    assertEquals(TensorFile.of(Map.of("new", Tensor.zeros(2))), Safetensors.read(file));
  }

  @Test
  void writeOfATensorFileKeepsItsMetadata() {
    Path file = dir.resolve("tf.safetensors");
    TensorFile f = new TensorFile(Map.of("w", Tensor.ones(2, 2)), Map.of("k", "v"));
    Safetensors.write(file, f);
    assertEquals(f, Safetensors.read(file));
  }

  @Test
  void reservedOrUnencodableNamesAreRefusedBeforeTouchingTheDisk() {
    Path file = dir.resolve("refused.safetensors");
    var reserved = assertThrows(SafetensorsException.class,
        () -> Safetensors.write(file, Map.of("__metadata__", Tensor.ones(1))));
    assertEquals("__metadata__", reserved.key());
    var surrogate = assertThrows(SafetensorsException.class,
        () -> Safetensors.write(file, Map.of("bad\uD800", Tensor.ones(1))));
    assertEquals("bad\uD800", surrogate.key());
    assertTrue(surrogate.getMessage().contains("unpaired surrogate"), surrogate.getMessage());
    var meta = assertThrows(SafetensorsException.class,
        () -> Safetensors.write(file, Map.of(), Map.of("k", "\uDC00")));
    assertEquals("__metadata__", meta.key());
    assertFalse(Files.exists(file));
    assertEquals(0, listing(dir).size());
  }

  @Test
  void readerNamesAMissingTensorAndRefusesReadsAfterClose() {
    Path file = dir.resolve("closed.safetensors");
    Safetensors.write(file, Map.of("w", Tensor.ones(2)));
    SafetensorsReader r = Safetensors.open(file);
    var missing = assertThrows(SafetensorsException.class, () -> r.tensor("v"));
    assertEquals("v", missing.key());
    assertEquals(file + ": tensor 'v': no such tensor; the file holds 1 tensors: 'w'",
        missing.getMessage());
    r.close();
    assertThrows(IllegalStateException.class, () -> r.tensor("w"));
    assertEquals(Dtype.F32, r.info("w").dtype(), "the header stays available");
  }

  @Test
  void tensorFileIsAnUnmodifiableCopy() {
    Map<String, Tensor> source = new LinkedHashMap<>();
    source.put("w", Tensor.ones(1));
    TensorFile f = TensorFile.of(source);
    source.put("v", Tensor.ones(1));
    assertEquals(1, f.tensors().size());
    assertThrows(UnsupportedOperationException.class, () -> f.tensors().put("x", Tensor.ones(1)));
    assertThrows(UnsupportedOperationException.class, () -> f.metadata().put("x", "y"));
  }

  // ------------------------------------------------------------------ helpers

  static void assertSameBits(Tensor expected, Tensor actual) {
    assertArrayEquals(expected.shape(), actual.shape());
    float[] e = expected.toArray();
    float[] a = actual.toArray();
    for (int i = 0; i < e.length; i++) {
      assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), "element " + i);
    }
  }

  static byte[] readBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<Path> listing(Path dir) {
    try (var s = Files.list(dir)) {
      return s.toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
