package dev.graft.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import com.google.re2j.Pattern;
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
import org.apache.commons.math3.util.FastMath;
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
      "import dev.graft.autodiff.Grad;",
      "import dev.graft.dsl.Net;",
      "import dev.graft.dsl.lora.LoraSpec;",
      "import dev.graft.dsl.nn.Activation;",
      "import dev.graft.dsl.nn.Conv;",
      "import dev.graft.dsl.nn.Conv2d;",
      "import dev.graft.dsl.nn.ConvOptions;",
      "import dev.graft.dsl.nn.Mlp;",
      "import dev.graft.dsl.optim.AdamW;",
      "import dev.graft.dsl.train.Batch;",
      "import dev.graft.dsl.train.Losses;",
      "import dev.graft.dsl.train.Trainer;",
      "import dev.graft.dsl.tree.Layer;",
      "import dev.graft.dsl.tree.Mask;",
      "import dev.graft.dsl.tree.Path;",
      "import dev.graft.dsl.tree.Tree;",
      "import dev.graft.runtime.Key;",
      "import dev.graft.runtime.Random;",
      "import dev.graft.runtime.Tensor;",
      "import java.util.List;",
      "public class Use {",
      "  public static void main(String[] args) {",
      "    LoraSpec spec = LoraSpec.builder().rank(4).alpha(8).build();",
      "    Trainer trainer = Trainer.builder().optimizer(AdamW.of(1e-3)).epochs(1).build();",
      "    Layer model = Mlp.create(new int[] {4, 8, 2}, Activation.RELU, Key.of(1));",
      "    Net net = Net.of(model).freeze().mask(Mask.regex(\"layers/0/.*\")).lora(spec);",
      "    Tensor x = Random.normal(Key.of(2), 16, 4);",
      "    Tensor y = Random.normal(Key.of(3), 16, 2);",
      "    Net trained = net.fit(List.of(new Batch(x, y)),",
      "        (m, b) -> Losses.mse(m.apply(b.inputs()), b.targets()), AdamW.of(1e-2), 2);",
      "    Conv conv = Conv2d.create(1, 2, 3, ConvOptions.defaults().padding(1), Key.of(4));",
      "    List<Path> paths = Tree.paths(trained.module());",
      "    List<Tensor> g = Grad.grad(ts -> ts.get(0).square().sum(), List.of(x));",
      "    System.out.println(spec.rank() + \" \" + trainer.epochs() + \" \"",
      "        + trained.trainableFraction() + \" \"",
      "        + paths.size() + \" \" + conv + \" \" + g.get(0).size());",
      "  }",
      "}", "");

  private static String where(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What a project depending on graft-dsl has on its class path at compile time. */
  private static List<String> userClassPath() {
    // The Graft jars and dsl's non-optional run-time dependencies: not Immutables (provided
    // scope), not plotting or the progress bar (optional).
    List<String> classPath = Stream.of(LoraSpec.class, Grad.class, Tensor.class,
        NullMarked.class, ObjectMapper.class, JsonFactory.class, JsonAutoDetect.class,
        Pattern.class, Message.class, FastMath.class).map(DownstreamCompileTest::where).distinct()
        .collect(Collectors.toList());
    assertFalse(classPath.stream().anyMatch(p -> p.contains("immutables")), classPath::toString);
    return classPath;
  }

  /** Compiles {@code source} as {@code Use.java} with every lint on; answers what javac said. */
  private static String compile(Path dir, String source) throws IOException {
    Path src = Files.writeString(dir.resolve("Use.java"), source, StandardCharsets.UTF_8);
    Path out = Files.createDirectories(dir.resolve("out"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean ok;
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
        StandardCharsets.UTF_8)) {
      ok = javac.getTask(null, files, diagnostics,
          List.of("-Xlint:all", "-proc:none", "-d", out.toString(),
              "-cp", String.join(File.pathSeparator, userClassPath())),
          null, files.getJavaFileObjects(src)).call();
    }
    String printed = diagnostics.getDiagnostics().stream()
        .map(d -> d.getKind() + ": " + d.getMessage(Locale.ROOT))
        .collect(Collectors.joining("\n"));
    assertTrue(ok, printed);
    assertTrue(Files.exists(out.resolve("Use.class")));
    return printed;
  }

  @Test
  void aUserCompileWithoutImmutablesPrintsNoWarnings(@TempDir Path dir) throws IOException {
    assertEquals("", compile(dir, SOURCE));
  }

  /** The check can fail: the same compile reports a warning the user's code does cause. */
  @Test
  void aWarningInTheUserCompileIsSeen(@TempDir Path dir) throws IOException {
    String deprecated = SOURCE.replace("trained.trainableFraction()",
        "trained.compressionRatio()");
    String printed = compile(dir, deprecated);
    assertTrue(printed.contains("WARNING") && printed.contains("compressionRatio"), printed);
  }
}
