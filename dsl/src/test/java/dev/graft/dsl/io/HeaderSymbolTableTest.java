package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether a file parses depends on that file alone: headers (and JSON configs) whose names all
 * collide in Jackson's field-name hash parse every time, alone or after one another, and never let
 * an IllegalStateException out of the parser's shared symbol table.
 */
class HeaderSymbolTableTest {
  /** Names in one file: far more than the 150 a Jackson hash chain may hold. */
  private static final int BLOCKS = 9;

  @TempDir
  Path dir;

  /**
   * {@code 2^BLOCKS} names of one length that share a Jackson hash (multiplier 33): the blocks
   * {@code "Ab"} and {@code "BA"} hash alike ({@code 65*33+98 == 66*33+65}), so do all strings
   * made of them, whatever the seed; {@code prefix} moves the whole set to another hash.
   */
  static List<String> colliding(char prefix) {
    List<String> out = new ArrayList<>();
    for (int bits = 0; bits < 1 << BLOCKS; bits++) {
      StringBuilder sb = new StringBuilder().append(prefix);
      for (int b = 0; b < BLOCKS; b++) {
        sb.append((bits >> b & 1) == 0 ? "Ab" : "BA");
      }
      out.add(sb.toString());
    }
    return out;
  }

  /** A valid file of empty F32 tensors named {@code names}, and metadata keyed by them too. */
  private Path file(String name, List<String> names) throws IOException {
    StringBuilder json = new StringBuilder("{\"__metadata__\":{");
    for (int i = 0; i < names.size(); i++) {
      json.append(i == 0 ? "" : ",").append('"').append(names.get(i)).append("\":\"v\"");
    }
    json.append('}');
    for (String n : names) {
      json.append(",\"").append(n)
          .append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
    }
    json.append('}');
    Path f = dir.resolve(name);
    Files.write(f, HandMade.file(json.toString()));
    return f;
  }

  @Test
  void theSameFileParsesEveryTimeAndASequenceOfFilesToo() throws IOException {
    assertEquals(1, colliding('a').stream().map(HeaderSymbolTableTest::jacksonHash).distinct()
        .count(), "the names collide");
    List<Path> files = new ArrayList<>();
    for (char p = 'a'; p <= 'f'; p++) {
      files.add(file(p + ".safetensors", colliding(p)));
    }
    for (int round = 0; round < 3; round++) {
      for (Path f : files) {
        TensorFile t = Safetensors.read(f);
        assertEquals(1 << BLOCKS, t.tensors().size(), f + " round " + round);
        assertEquals(1 << BLOCKS, t.metadata().size());
      }
    }
  }

  @Test
  void jsonConfigsWithCollidingKeysParseEveryTime() throws IOException {
    for (int round = 0; round < 3; round++) {
      for (char p = 'a'; p <= 'd'; p++) {
        StringBuilder json = new StringBuilder("{");
        List<String> names = colliding(p);
        for (int i = 0; i < names.size(); i++) {
          json.append(i == 0 ? "" : ",").append('"').append(names.get(i)).append("\":1");
        }
        Path f = dir.resolve("config-" + p + ".json");
        Files.writeString(f, json.append('}'), StandardCharsets.UTF_8);
        JsonNode node = JsonFiles.readObject(f);
        assertEquals(1 << BLOCKS, node.size());
      }
    }
  }

  /** Jackson's field-name hash before its seed term, which is equal for names of one length. */
  private static int jacksonHash(String s) {
    int h = 0;
    for (int i = 0; i < s.length(); i++) {
      h = h * 33 + s.charAt(i);
    }
    return h;
  }
}
