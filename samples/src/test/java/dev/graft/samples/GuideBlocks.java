package dev.graft.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The blocks of a sample between {@code // guide: name} and {@code // guide: end} markers. */
final class GuideBlocks {
  private static final Pattern BLOCK =
      Pattern.compile("// guide: (\\S+)\n(.*?)\n\\s*// guide: end", Pattern.DOTALL);

  private GuideBlocks() {}

  /**
   * Asserts that the sample {@code file} (under this module's {@code src/main/java}) has {@code
   * expected} marked blocks and that {@code docs/GUIDE.md} shows each one verbatim.
   */
  static void assertShownInGuide(String file, int expected) throws IOException {
    String src = Files.readString(Path.of("src/main/java/dev/graft/samples", file));
    String guide = Files.readString(Path.of("../docs/GUIDE.md"));
    Matcher m = BLOCK.matcher(src);
    int blocks = 0;
    while (m.find()) {
      blocks++;
      assertTrue(guide.contains(m.group(2).stripIndent()),
          "GUIDE lacks the block '" + m.group(1) + "' of " + file);
    }
    assertEquals(expected, blocks, "marked blocks in " + file);
  }
}
