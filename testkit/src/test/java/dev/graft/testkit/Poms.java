package dev.graft.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** The repository's POMs as the build-rule tests read them: the root, a parsed POM, tag texts. */
final class Poms {
  /** The repository root: the tests run from a module folder. */
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  private Poms() {}

  /** {@code pom} parsed, with DOCTYPE declarations refused. */
  static Document read(Path pom) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(pom.toFile());
  }

  /** The trimmed text of every {@code tag} element in {@code d}, in document order. */
  static List<String> texts(Document d, String tag) {
    NodeList nodes = d.getElementsByTagName(tag);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add(nodes.item(i).getTextContent().trim());
    }
    return out;
  }
}
