package dev.graft.runtime.kernel;

import org.jspecify.annotations.Nullable;

/**
 * Finds the Vector API matmul kernel at run time: present only when the JVM was started with
 * {@code --add-modules jdk.incubator.vector} and the separately compiled class is on the class
 * path. Without it, matmul silently uses the plain-Java kernel. {@code -Dgraft.matmul.vector=false}
 * turns the Vector API kernel off.
 */
final class GemmVectorLoader {
  private GemmVectorLoader() {}

  /** The Vector API kernel, or null when it cannot be used in this JVM. */
  static @Nullable GemmKernel load() {
    if (!Boolean.parseBoolean(System.getProperty("graft.matmul.vector", "true"))
        || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      return (GemmKernel) Class.forName("dev.graft.runtime.kernel.GemmVector")
          .getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }
}
