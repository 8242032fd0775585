package dev.graft.dsl;

import dev.graft.testkit.PackageGraph;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dsl's packages depend one way, bottom to top: the tree machinery; ONNX reading; layers;
 * adapters; optimizers and file formats (each on trees, neither on the other); training; the
 * {@link Net} facade over all of them.
 */
class PackageCyclesTest {
  static final List<String> LAYERS = List.of(
      "dev.graft.dsl.tree",
      "dev.graft.dsl.onnx",
      "dev.graft.dsl.nn",
      "dev.graft.dsl.lora",
      "dev.graft.dsl.optim",
      "dev.graft.dsl.io",
      "dev.graft.dsl.train",
      "dev.graft.dsl");

  private static PackageGraph graph() throws URISyntaxException {
    return PackageGraph.of(Path.of(
        Net.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
  }

  @Test
  void noPackageCycle() throws URISyntaxException {
    graph().assertAcyclic();
  }

  @Test
  void packagesDependDownTheLayers() throws URISyntaxException {
    graph().assertLayered(LAYERS);
  }
}
