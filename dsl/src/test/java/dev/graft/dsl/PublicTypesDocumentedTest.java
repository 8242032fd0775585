package dev.graft.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public type of the library modules (runtime, autodiff, dsl) carries Javadoc: the javadoc
 * build's doclint leaves out "missing comment" checks (it would demand a {@code @param} line for
 * every parameter), so this test is what keeps a public type from appearing undocumented. It
 * reads the sources of the three modules from this repository.
 */
class PublicTypesDocumentedTest {
  private static final List<String> MODULES = List.of("runtime", "autodiff", "dsl");
  private static final Pattern DECLARATION = Pattern.compile(
      "^\\s*public\\s+(?:(?:static|final|abstract|sealed|non-sealed|strictfp)\\s+)*"
          + "(?:class|interface|record|enum|@interface)\\s+(\\w+)");

  private static Path root() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("runtime")) ? here : here.getParent();
  }

  private static List<Path> sources(String module) {
    Path dir = root().resolve(module).resolve("src/main/java");
    assertTrue(Files.isDirectory(dir), dir::toString);
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")
          && !f.getFileName().toString().equals("package-info.java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The public types declared in {@code lines} that have no Javadoc right above them. */
  static List<String> undocumented(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = DECLARATION.matcher(lines.get(i));
      if (!m.find()) {
        continue;
      }
      int j = i - 1;
      while (j >= 0 && (lines.get(j).isBlank() || lines.get(j).trim().startsWith("@")
          || lines.get(j).trim().startsWith(")"))) {
        j--;
      }
      if (j < 0 || !lines.get(j).trim().endsWith("*/")) {
        out.add(m.group(1) + " (line " + (i + 1) + ")");
      }
    }
    return out;
  }

  @Test
  void everyPublicTypeOfTheLibraryModulesHasJavadoc() throws IOException {
    List<String> missing = new ArrayList<>();
    int types = 0;
    for (String module : MODULES) {
      for (Path f : sources(module)) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        types += (int) lines.stream().filter(l -> DECLARATION.matcher(l).find()).count();
        for (String u : undocumented(lines)) {
          missing.add(root().relativize(f) + ": " + u);
        }
      }
    }
    assertTrue(types > 100, "found only " + types + " public types: wrong source folders?");
    assertEquals(List.of(), missing);
  }

  @Test
  void theCheckSeesAMissingComment() {
    assertEquals(List.of("Bare (line 3)"), undocumented(List.of(
        "/** Has one. */", "public final class Documented {}", "public record Bare() {}")));
    assertEquals(List.of(), undocumented(List.of(
        "/**", " * Has one.", " */", "@FunctionalInterface", "public interface F {}")));
  }
}
