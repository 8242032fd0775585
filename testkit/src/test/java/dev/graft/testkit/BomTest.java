package dev.graft.testkit;

import static dev.graft.testkit.Poms.ROOT;
import static dev.graft.testkit.Poms.read;
import static dev.graft.testkit.Poms.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The BOM (which has no parent, so that importing it manages nothing but Graft) stays in step
 * with the build: the parent's version, and exactly the published modules' artifacts.
 */
class BomTest {
  /** Reactor modules that are not published libraries. */
  private static final Set<String> UNPUBLISHED = Set.of("bom", "samples", "benchmarks");

  /** Text of the direct child {@code name} of {@code e}. */
  private static String child(Element e, String name) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(name)) {
        return c.getTextContent().trim();
      }
    }
    throw new AssertionError("no <" + name + "> under <" + e.getTagName() + ">");
  }

  @Test
  void theBomManagesEveryPublishedModuleAtTheBuildsVersion() throws Exception {
    Path parentPom = ROOT.resolve("pom.xml");
    assertTrue(Files.exists(parentPom) && Files.exists(ROOT.resolve("bom/pom.xml")),
        "run from a module folder of the repository, got " + ROOT);
    Document parent = read(parentPom);
    Document bom = read(ROOT.resolve("bom/pom.xml"));
    assertEquals(child(parent.getDocumentElement(), "version"),
        child(bom.getDocumentElement(), "version"), "bom/pom.xml version");

    Set<String> published = new TreeSet<>();
    for (String module : texts(parent, "module")) {
      if (!UNPUBLISHED.contains(module)) {
        published.add(child(read(ROOT.resolve(module).resolve("pom.xml")).getDocumentElement(),
            "artifactId"));
      }
    }
    Set<String> managed = new TreeSet<>();
    NodeList deps = bom.getElementsByTagName("dependency");
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      assertEquals("dev.graft", child(d, "groupId"));
      assertEquals("${project.version}", child(d, "version"));
      managed.add(child(d, "artifactId"));
    }
    assertEquals(published, managed);
  }
}
