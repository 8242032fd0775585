package dev.graft.testkit;

import static dev.graft.testkit.Poms.ROOT;
import static dev.graft.testkit.Poms.read;
import static dev.graft.testkit.Poms.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * Every jar module sets {@code graft.moduleName}, the Automatic-Module-Name the parent writes
 * into its manifest: a module that forgot it would ship the unresolved {@code ${...}} text, which
 * no module system accepts. Names are distinct and under {@code dev.graft}.
 */
class ModuleNameTest {
  private static final Pattern NAME = Pattern.compile("dev\\.graft(\\.[a-z][a-z0-9]*)+");

  @Test
  void everyJarModuleNamesItsJavaModule() throws Exception {
    Set<String> seen = new HashSet<>();
    for (String module : texts(read(ROOT.resolve("pom.xml")), "module")) {
      Document pom = read(ROOT.resolve(module).resolve("pom.xml"));
      List<String> packaging = texts(pom, "packaging");
      if (!packaging.isEmpty() && packaging.get(0).equals("pom")) {
        continue;
      }
      List<String> names = texts(pom, "graft.moduleName");
      assertEquals(1, names.size(), module + "/pom.xml must set graft.moduleName once");
      String name = names.get(0);
      assertTrue(NAME.matcher(name).matches(), module + ": '" + name + "'");
      assertTrue(seen.add(name), module + ": '" + name + "' is taken by another module");
    }
    assertTrue(seen.contains("dev.graft.dsl"), seen::toString);
  }
}
