package dev.graft.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scanner on tiny packages compiled here, so the check is seen to fail on a real cycle. */
class PackageGraphTest {
  @TempDir
  Path tmp;

  /** Compiles {@code sources} (file path -> text) into a fresh directory, returned. */
  private Path compile(Map<String, String> sources) throws IOException {
    Path src = tmp.resolve("src");
    Path out = tmp.resolve("classes");
    Files.createDirectories(out);
    List<String> args = new ArrayList<>(List.of("-d", out.toString()));
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path f = src.resolve(e.getKey());
      Files.createDirectories(f.getParent());
      Files.writeString(f, e.getValue());
      args.add(f.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertEquals(0, javac.run(null, null, null, args.toArray(String[]::new)), "javac failed");
    return out;
  }

  @Test
  void aTwoPackageCycleFailsNamingThePackagesAndTheClasses() throws IOException {
    Path classes = compile(Map.of(
        "a/A.java", "package a; public class A { public b.B partner; }",
        "b/B.java", "package b; public class B { public void use(a.A x) {} }",
        "c/C.java", "package c; public class C { a.A a = new a.A(); }"));
    PackageGraph g = PackageGraph.of(classes);
    assertEquals(Set.of("a", "b", "c"), g.packages());
    assertEquals(List.of(Set.of("a", "b")), g.cycles());
    assertEquals(Set.of("a.A -> b.B"), g.classEdges("a", "b"));
    assertEquals(Set.of("b.B -> a.A"), g.classEdges("b", "a"));
    AssertionError e = assertThrows(AssertionError.class, g::assertAcyclic);
    String m = e.getMessage();
    assertTrue(m.contains("[a, b]") && m.contains("a -> b: a.A -> b.B")
        && m.contains("b -> a: b.B -> a.A") && !m.contains("c."), m);
  }

  @Test
  void referencesOnlyInGenericSignaturesAndLambdasCount() throws IOException {
    Path classes = compile(Map.of(
        "p/P.java", "package p; public class P {"
            + " public java.util.List<q.Q> qs = new java.util.ArrayList<>(); }",
        "q/Q.java", "package q; public class Q {"
            + " public java.util.function.Supplier<Object> s = () -> r.R.class; }",
        "r/R.java", "package r; public class R { }"));
    PackageGraph g = PackageGraph.of(classes);
    assertEquals(Set.of("q"), g.dependencies("p"));
    assertEquals(Set.of("r"), g.dependencies("q"));
    g.assertAcyclic();
    g.assertLayered(List.of("r", "q", "p"));
  }

  @Test
  void aLongerCycleIsOneComponentAndTheLayerOrderNamesUpwardEdges() throws IOException {
    Path classes = compile(Map.of(
        "x/X.java", "package x; public class X { y.Y y; }",
        "y/Y.java", "package y; public class Y { z.Z z; }",
        "z/Z.java", "package z; public class Z { x.X x; }",
        "w/W.java", "package w; public class W { }"));
    PackageGraph g = PackageGraph.of(classes);
    assertEquals(List.of(Set.of("x", "y", "z")), g.cycles());
    AssertionError order = assertThrows(AssertionError.class,
        () -> g.assertLayered(List.of("w", "x", "y", "z")));
    // Bottom first: x and y refer upward (to y and z); z -> x goes down and is allowed.
    assertTrue(order.getMessage().contains("x -> y: x.X -> y.Y")
        && order.getMessage().contains("y -> z: y.Y -> z.Z")
        && !order.getMessage().contains("z -> x"), order.getMessage());
    AssertionError unlisted = assertThrows(AssertionError.class,
        () -> g.assertLayered(List.of("x", "y", "z")));
    assertTrue(unlisted.getMessage().contains("[w]"), unlisted.getMessage());
  }

  @Test
  void aMissingDirectoryIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PackageGraph.of(tmp.resolve("nothing")));
    assertTrue(e.getMessage().contains("nothing"), e.getMessage());
  }
}
