package dev.graft.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The parent POM copies the repository's {@code LICENSE} into every module's classes as
 * {@code META-INF/LICENSE}, so each jar carries its licence. This module's build shows the rule
 * at work: its compiled classes hold the file, byte for byte.
 */
class LicenceInJarTest {
  @Test
  void compiledClassesCarryTheRepositoryLicence() throws Exception {
    Path classes = Path.of(Theories.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
    Path copied = classes.resolve("META-INF").resolve("LICENSE");
    assertTrue(Files.isRegularFile(copied), copied + " is missing");
    Path root = Poms.ROOT.resolve("LICENSE");
    assertArrayEquals(Files.readAllBytes(root), Files.readAllBytes(copied));
  }
}
