package dev.graft.dsl.io;

import static dev.graft.dsl.io.HandMade.f32;
import static dev.graft.dsl.io.HandMade.f64;
import static dev.graft.dsl.io.HandMade.u16;
import static dev.graft.dsl.io.HandMade.u8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.graft.runtime.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Random damage to valid files: whatever the mutation, reading either succeeds or raises a
 * {@link SafetensorsException} that names the file; nothing else ever escapes.
 */
class SafetensorsFuzzTest {
  @TempDir
  Path dir;

  /** A hand-built file with metadata and several dtypes, so every parsing path is in play. */
  private static byte[] handMade() {
    String json = "{\"__metadata__\":{\"format\":\"pt\",\"note\":\"x\"},"
        + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
        + "\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[16,22]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[22,24]},"
        + "\"z\":{\"dtype\":\"F32\",\"shape\":[0,5],\"data_offsets\":[24,24]},"
        + "\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[24,32]},"
        + "\"i\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[32,34]}}  ";
    return HandMade.file(json, f32(1f, 2f, 3f, 4f), u16(0x3c00, 0xc100, 0x7bff), u16(0x3f80),
        f64(-2.5), u8(0x80, 0x7f));
  }

  private byte[] ours() {
    Path p = dir.resolve("ours.safetensors");
    Safetensors.write(p, Map.of("a", Tensor.of(new float[] {1f, 2f, 3f}, 3), "s",
        Tensor.scalar(-1f), "e", Tensor.zeros(2, 0)), Map.of("format", "pt"));
    return SafetensorsRoundTripTest.readBytes(p);
  }

  /** Bytes that mean something in JSON or UTF-8, and sometimes any byte. */
  private static Gen<Integer> damagingBytes() {
    List<Integer> meaningful = "{}[]\":,-.0123456789eE \\tnulF".chars().boxed()
        .collect(java.util.stream.Collectors.toList());
    meaningful.addAll(List.of(0x00, 0x80, 0xbf, 0xc3, 0xe2, 0xf0, 0xff, 0x7f));
    return Generate.pick(meaningful).mix(integers().between(0, 255), 40);
  }

  private void survivesMutations(byte[] valid, int examples) {
    String json = new String(valid, StandardCharsets.ISO_8859_1);
    int headerEnd = json.lastIndexOf('}') + 1;
    Gen<Integer> inHeader = integers().between(0, headerEnd - 1);
    Gen<Integer> anywhere = integers().between(0, valid.length - 1);
    Gen<List<Integer>> positions = lists().of(inHeader.mix(anywhere, 15)).ofSizeBetween(1, 4);
    Gen<List<Integer>> values = lists().of(damagingBytes()).ofSizeBetween(4, 4);
    Gen<Integer> keep = integers().between(0, valid.length).mix(Generate.constant(valid.length), 75);
    Path file = dir.resolve("fuzz.safetensors");
    qt().withExamples(examples).forAll(positions, values, keep).checkAssert((pos, val, n) -> {
      byte[] bytes = valid.clone();
      for (int i = 0; i < pos.size(); i++) {
        bytes[pos.get(i)] = (byte) (int) val.get(i);
      }
      HandMade.write(dir, "fuzz.safetensors", Arrays.copyOf(bytes, n));
      try {
        TensorFile f = Safetensors.read(file);
        assertTrue(f.tensors().size() <= 6);
      } catch (SafetensorsException e) {
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
      }
    });
  }

  @Test
  void mutatedHandMadeFilesOnlyEverRaiseSafetensorsException() {
    survivesMutations(handMade(), 1200);
  }

  @Test
  void mutatedWrittenFilesOnlyEverRaiseSafetensorsException() {
    survivesMutations(ours(), 800);
  }

  @Test
  void everyTruncationIsRejected() {
    for (byte[] valid : List.of(handMade(), ours())) {
      Path file = dir.resolve("cut.safetensors");
      for (int n = 0; n < valid.length; n++) {
        HandMade.write(dir, "cut.safetensors", Arrays.copyOf(valid, n));
        try {
          Safetensors.read(file);
          throw new AssertionError("a file cut to " + n + " of " + valid.length
              + " bytes was accepted");
        } catch (SafetensorsException expected) {
          assertEquals(file, expected.file());
        }
      }
    }
  }
}
