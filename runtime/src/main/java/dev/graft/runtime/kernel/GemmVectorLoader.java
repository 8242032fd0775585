package dev.graft.runtime.kernel;

import org.jspecify.annotations.Nullable;

/**
 * Finds the Vector API matmul kernel at run time: present only when the JVM was started with
 * {@code --add-modules jdk.incubator.vector} and the separately compiled class is on the class
 * path. Without it, matmul uses the plain-Java kernel and says so once, at level INFO, through the
 * {@code System.Logger} named {@code dev.graft.runtime} (the application decides whether it shows).
 * {@code -Dgraft.matmul.vector=false} turns the Vector API kernel off without that note.
 *
 * <p>Until C2 compiles it, Vector API code runs hundreds of times slower than plain Java (every
 * vector is a heap object), and C2 only compiles the micro-kernel after thousands of calls. So the
 * loader drives the kernel on a tiny product until its time per call collapses (typically 0.3–1 s,
 * once per JVM) instead of letting the first real products crawl for seconds; the warm-up is
 * synchronous so a product's rounding never depends on timing.
 */
final class GemmVectorLoader {
  private static final System.Logger LOG = System.getLogger("dev.graft.runtime");

  private GemmVectorLoader() {}

  /** The Vector API kernel, or null when it cannot be used in this JVM. */
  static @Nullable GemmKernel load() {
    if (!Boolean.parseBoolean(System.getProperty("graft.matmul.vector", "true"))) {
      return null;
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      LOG.log(System.Logger.Level.INFO, "graft: matmul uses its plain-Java kernel; start the JVM"
          + " with --add-modules jdk.incubator.vector for the Vector API kernel (about 3x faster)");
      return null;
    }
    GemmKernel kernel;
    try {
      kernel = (GemmKernel) Class.forName("dev.graft.runtime.kernel.GemmVector")
          .getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
    if (!warmUp(kernel)) {
      LOG.log(System.Logger.Level.WARNING, "graft: the Vector API matmul kernel did not get"
          + " JIT-compiled during its warm-up; matmul uses the plain-Java kernel in this JVM");
      return null;
    }
    return kernel;
  }

  /**
   * Drives the code paths of the kernel until each is C2-compiled: a 25×70×80 product (full and
   * edge micro-tiles of the packed path, so the micro-kernel is profiled writing both C and the
   * scratch tile; big enough not to take the small-product path), a 5×66×96 product with a
   * transposed B (the dot-product path, with its edge rows and columns; deeper than 64, where
   * small products leave it), and a 21×83×24 product with a transposed B (the small-product path:
   * its transposing copy, 4-row tiles, one-vector and scalar columns and left-over rows). Each runs in batches until a batch is at least 30
   * times faster per call than its first (C2's code is 100–200× faster, C1's only ~5×), or at
   * most 100 000 calls or 30 s. If any path never gets fast (the JIT refused the method, as C1
   * does when a micro-kernel outgrows its register allocator), the Vector API kernel is not used.
   */
  private static boolean warmUp(GemmKernel kernel) {
    return warmUp(kernel, 25, 70, 80, false) && warmUp(kernel, 5, 66, 96, true)
        && warmUp(kernel, 21, 83, 24, true);
  }

  /** Whether the path got fast; if not (the JIT gave up on it), the plain kernel is safer. */
  private static boolean warmUp(GemmKernel kernel, int m, int n, int k, boolean transposeB) {
    float[] a = new float[m * k];
    float[] b = new float[k * n];
    float[] c = new float[m * n];
    java.util.Arrays.fill(a, 1f);
    java.util.Arrays.fill(b, 1f);
    int brs = transposeB ? 1 : n;
    int bcs = transposeB ? k : 1;
    final int batch = 100;
    long start = System.nanoTime();
    double first = -1;
    for (int calls = 0; calls < 100_000 && System.nanoTime() - start < 30_000_000_000L;
        calls += batch) {
      long t = System.nanoTime();
      for (int i = 0; i < batch; i++) {
        kernel.gemm(m, n, k, a, 0, k, 1, b, 0, brs, bcs, c, 0, n, 1);
      }
      double perCall = (System.nanoTime() - t) / (double) batch;
      if (first < 0) {
        first = perCall;
      } else if (calls >= 1_000 && perCall * 30 <= first) {
        return true;
      }
    }
    return false;
  }
}
