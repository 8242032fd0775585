package dev.graft.runtime;

import dev.graft.testkit.PackageGraph;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runtime's packages depend one way: the kernels take plain arrays and know nothing above. */
class PackageCyclesTest {
  private static PackageGraph graph() throws URISyntaxException {
    return PackageGraph.of(Path.of(
        Tensor.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
  }

  @Test
  void noPackageCycle() throws URISyntaxException {
    graph().assertAcyclic();
  }

  @Test
  void kernelsSitBelowTheRuntime() throws URISyntaxException {
    graph().assertLayered(List.of("dev.graft.runtime.kernel", "dev.graft.runtime"));
  }
}
