package dev.graft.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autodiff.Grad;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.runtime.Tensor;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user project compiling against dsl sees only what it declares: the Graft jars and their
 * runtime dependencies, not Immutables (a compile-time processor of this build). Its compiler
 * must print nothing, not even the "cannot find annotation method" warnings that class-retained
 * Immutables annotations in our class files would cause.
 */
class DownstreamCompileTest {

  private static final String SOURCE = String.join("\n",
      "import dev.graft.dsl.lora.LoraSpec;",
      "import dev.graft.dsl.optim.AdamW;",
      "import dev.graft.dsl.train.Trainer;",
      "public class Use {",
      "  public static void main(String[] args) {",
      "    LoraSpec spec = LoraSpec.builder().rank(4).alpha(8).build();",
      "    Trainer trainer = Trainer.builder().optimizer(AdamW.of(1e-3)).epochs(1).build();",
      "    System.out.println(spec.rank() + \" \" + spec + \" \" + trainer.epochs());",
      "  }",
      "}", "");

  private static String where(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aUserCompileWithoutImmutablesPrintsNoWarnings(@TempDir Path dir) throws IOException {
    List<String> classPath = Stream.of(LoraSpec.class, Grad.class, Tensor.class,
        NullMarked.class).map(DownstreamCompileTest::where).distinct()
        .collect(Collectors.toList());
    assertFalse(classPath.stream().anyMatch(p -> p.contains("immutables")), classPath::toString);
    Path src = Files.writeString(dir.resolve("Use.java"), SOURCE, StandardCharsets.UTF_8);
    Path out = Files.createDirectories(dir.resolve("out"));

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean ok;
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
        StandardCharsets.UTF_8)) {
      ok = javac.getTask(null, files, diagnostics,
          List.of("-Xlint:all", "-proc:none", "-d", out.toString(),
              "-cp", String.join(File.pathSeparator, classPath)),
          null, files.getJavaFileObjects(src)).call();
    }
    String printed = diagnostics.getDiagnostics().stream()
        .map(d -> d.getKind() + ": " + d.getMessage(Locale.ROOT))
        .collect(Collectors.joining("\n"));
    assertTrue(ok, printed);
    assertEquals("", printed);
    assertTrue(Files.exists(out.resolve("Use.class")));
  }
}
