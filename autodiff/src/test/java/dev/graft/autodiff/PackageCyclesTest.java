package dev.graft.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.testkit.PackageGraph;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Autodiff is one package over the runtime; a second package must keep the graph acyclic. */
class PackageCyclesTest {
  @Test
  void noPackageCycle() throws URISyntaxException {
    PackageGraph g = PackageGraph.of(Path.of(
        Grad.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    g.assertAcyclic();
    assertEquals(Set.of("dev.graft.autodiff"), g.packages());
  }
}
