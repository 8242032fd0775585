package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.dsl.Net;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every field of each real PEFT config set to values of every JSON type: {@code loadAdapter}
 * onto the adapted net and {@code loadOnto} the plain model either load or refuse with a {@link
 * CheckpointException} naming the config, never another exception.
 */
class PeftConfigFuzzTest {
  @TempDir
  Path tmp;

  static final List<String> VALUES = List.of("null", "true", "0", "-1", "3", "1e308", "\"(\"",
      "[1]", "[\"enc\"]", "{\"enc\": 2}");

  @TestFactory
  Stream<DynamicTest> everyFieldOfEveryKind() {
    return PeftFixtures.KINDS.stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
      Path peft = PeftFixtures.dir(k.name());
      Path d = tmp.resolve(k.name());
      Files.createDirectories(d);
      Files.copy(peft.resolve(PeftAdapters.WEIGHTS), d.resolve(PeftAdapters.WEIGHTS));
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode good = (ObjectNode) mapper.readTree(peft.resolve(PeftAdapters.CONFIG).toFile());
      Path configFile = d.resolve(PeftAdapters.CONFIG);
      Net adapted = PeftFixtures.adapted(k, 3);
      Net plain = PeftFixtures.base();
      int loaded = 0;
      int refused = 0;
      for (String field : names(good)) {
        for (String v : VALUES) {
          ObjectNode cfg = good.deepCopy();
          cfg.set(field, mapper.readTree(v));
          Files.writeString(configFile, mapper.writeValueAsString(cfg));
          for (int way = 0; way < 2; way++) {
            try {
              if (way == 0) {
                adapted.loadAdapter(d);
              } else {
                plain.loadPeft(d);
              }
              loaded++;
            } catch (CheckpointException e) {
              assertTrue(e.file().equals(configFile) || e.file().equals(
                  d.resolve(PeftAdapters.WEIGHTS)), e.getMessage());
              refused++;
            } catch (RuntimeException e) {
              throw new AssertionError(k.name() + ": \"" + field + "\" = " + v + " ("
                  + (way == 0 ? "loadAdapter" : "loadOnto") + ") threw " + e, e);
            }
          }
        }
      }
      assertTrue(loaded > 0 && refused > 0, k.name() + ": " + loaded + " loaded, " + refused
          + " refused");
    }));
  }

  private static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

}
