package dev.graft.spark;

import dev.graft.testkit.PackageGraph;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Spark module's packages depend one way: the samples use the library, never the reverse. */
class PackageCyclesTest {
  @Test
  void samplesSitAboveTheLibrary() throws URISyntaxException {
    PackageGraph g = PackageGraph.of(Path.of(
        DataParallel.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    g.assertAcyclic();
    g.assertLayered(List.of("dev.graft.spark", "dev.graft.spark.samples"));
  }
}
