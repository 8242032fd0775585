package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import dev.graft.dsl.nn.Activation;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Mlp;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names and values from a file are cut in messages: a 1,000,000-character tensor name gives a
 * message of a few hundred characters that shows its start and its length, whichever check
 * refuses the file; the exception's {@code key()} still holds the whole name.
 */
class LongNamesInMessagesTest {
  private static final int LONG = 1_000_000;
  private static final String NAME = "n".repeat(LONG);
  private static final String MARK = "\u2026 (" + LONG + " chars)";

  @TempDir
  Path dir;

  private Path file(String json, byte[]... data) throws IOException {
    Path f = dir.resolve("f.safetensors");
    Files.write(f, HandMade.file(json, data));
    return f;
  }

  private static void short_(SafetensorsException e) {
    assertTrue(e.getMessage().length() < 2_000, "message of " + e.getMessage().length()
        + " chars: " + e.getMessage().substring(0, 300));
    assertTrue(e.getMessage().contains(MARK), e.getMessage());
  }

  @Test
  void anUnknownDtypeUnderALongName() throws IOException {
    Path f = file("{\"" + NAME + "\":{\"dtype\":\"" + NAME + "\",\"shape\":[],\"data_offsets\""
        + ":[0,4]}}", new byte[4]);
    var e = assertThrows(SafetensorsException.class, () -> Safetensors.read(f));
    short_(e);
    assertEquals(NAME, e.key());
  }

  @Test
  void overlappingTensorsWithLongNames() throws IOException {
    Path f = file("{\"a" + NAME + "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"b" + NAME + "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        new byte[4]);
    var e = assertThrows(SafetensorsException.class, () -> Safetensors.read(f));
    assertTrue(e.getMessage().length() < 2_000, "message of " + e.getMessage().length());
    assertTrue(e.getMessage().contains("\u2026 (" + (LONG + 1) + " chars)"), e.getMessage());
  }

  @Test
  void aHugeValueWhereAStringOrArrayBelongs() throws IOException {
    Path f = file("{\"w\":{\"dtype\":{\"x\":\"" + NAME + "\"},\"shape\":[],\"data_offsets\""
        + ":[0,4]}}", new byte[4]);
    var e = assertThrows(SafetensorsException.class, () -> Safetensors.read(f));
    assertTrue(e.getMessage().length() < 2_000, "message of " + e.getMessage().length());
    Path g = file("{\"w\":{\"dtype\":\"F32\",\"shape\":\"" + NAME + "\",\"data_offsets\""
        + ":[0,4]}}", new byte[4]);
    e = assertThrows(SafetensorsException.class, () -> Safetensors.read(g));
    assertTrue(e.getMessage().length() < 2_000, "message of " + e.getMessage().length());
  }

  @Test
  void aLongMetadataKeyWithABadValue() throws IOException {
    Path f = file("{\"__metadata__\":{\"" + NAME + "\":1}}");
    short_(assertThrows(SafetensorsException.class, () -> Safetensors.read(f)));
  }

  @Test
  void aMissingTensorListsTheFilesLongNamesCut() throws IOException {
    Path f = file("{\"" + NAME + "\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
        new byte[4]);
    try (SafetensorsReader r = Safetensors.open(f)) {
      short_(assertThrows(SafetensorsException.class, () -> r.info("w")));
      assertTrue(r.info(NAME).toString().length() < 300);
    }
  }

  @Test
  void aCheckpointWithAnUnexpectedLongKey() {
    Linear model = Linear.create(2, 2, Key.of(1));
    Path f = dir.resolve("model.safetensors");
    Safetensors.write(f, Map.of("weight", Tensor.zeros(2, 2), "bias", Tensor.zeros(2),
        NAME, Tensor.zeros(1)));
    short_(assertThrows(CheckpointException.class, () -> Net.load(f, model)));
  }

  @Test
  void aCheckpointWhoseTrainableListHoldsALongPath() {
    Linear model = Linear.create(2, 2, Key.of(1));
    Path f = dir.resolve("model.safetensors");
    Safetensors.write(f, Map.of("weight", Tensor.zeros(2, 2), "bias", Tensor.zeros(2)),
        Map.of(Checkpoints.TRAINABLE_KEY, "[\"" + NAME + "\"]"));
    short_(assertThrows(CheckpointException.class, () -> Net.load(f, model)));
  }

  @Test
  void anAdapterConfigWithALongValueGivesAShortMessage() throws IOException {
    Net net = Net.of(Mlp.create(new int[] {3, 2, 2}, Activation.RELU, Key.of(4))).freeze()
        .lora(1, 2.0);
    Path d = dir.resolve("adapter");
    Files.createDirectories(d);
    Files.writeString(d.resolve(PeftAdapters.CONFIG), "{\"peft_type\": \"" + NAME + "\", \"r\": 1,"
        + " \"lora_alpha\": 2, \"target_modules\": [\"" + NAME + "\"]}");
    Files.write(d.resolve(PeftAdapters.WEIGHTS), HandMade.file("{}"));
    var e = assertThrows(SafetensorsException.class, () -> net.loadAdapter(d));
    assertTrue(e.getMessage().length() < 5_000, "message of " + e.getMessage().length());
    assertTrue(e.getMessage().contains("peft_type") && e.getMessage().contains(" chars)"),
        e.getMessage().substring(0, 300));
  }

  @Test
  void theCutNeverSplitsASurrogatePair() {
    String s = "a".repeat(SafetensorsException.SHOWN_CHARS - 1) + "\uD83D\uDE00".repeat(10);
    String shown = SafetensorsException.shown(s);
    assertTrue(shown.startsWith("a".repeat(SafetensorsException.SHOWN_CHARS - 1) + "\u2026"),
        shown);
    assertEquals("short", SafetensorsException.shown("short"));
  }
}
