package dev.graft.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.graft.testkit.MatmulReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every matmul kernel (direct, plain-Java packed, Vector API when loaded) on its own, single- and
 * multi-threaded, against the naive reference. The build runs this class a second time with
 * {@code --add-modules jdk.incubator.vector} so the Vector API kernel is covered too.
 */
class MatmulKernelTest {

  /** Every kernel loaded in this JVM (the Vector API one only with its module). */
  static List<GemmKernel> kernels() {
    List<GemmKernel> ks = new ArrayList<>(List.of(Gemm.DIRECT, Gemm.PLAIN));
    if (Gemm.VECTOR != null) {
      ks.add(Gemm.VECTOR);
    }
    return ks;
  }

  @Test
  void vectorKernelIsLoadedWhenItsModuleIs() {
    boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    if (module) {
      assertNotNull(Gemm.VECTOR, "jdk.incubator.vector is present but GemmVector did not load");
      assertEquals(Gemm.VECTOR, Gemm.PACKED);
    } else {
      assertEquals(Gemm.PLAIN, Gemm.PACKED);
    }
  }

  @Test
  void everyKernelAgreesWithNaiveLoops() {
    qt().withExamples(150).forAll(integers().between(1, 70), integers().between(1, 70),
        integers().between(1, 70), integers().between(0, 7)).checkAssert((m, n, k, flags) -> {
          for (GemmKernel kernel : kernels()) {
            check(kernel, (flags & 4) != 0 ? Parallel.THREADS : 1, m, n, k, (flags & 1) != 0,
                (flags & 2) != 0);
          }
        });
  }

  @Test
  void everyKernelAgreesAcrossBlockEdges() {
    // Sizes straddling the packed kernels' blocks (KC 256, NC 512 and 2048, MC 96, 12x32 and
    // 4-row tiles) and the dot-product path (m <= 16, B's columns contiguous).
    int[][] mnk = {{193, 33, 385}, {97, 40, 257}, {13, 513, 257}, {25, 65, 769}, {4, 2049, 3},
        {197, 31, 9}, {12, 32, 384}, {5, 7, 1000}};
    for (int[] s : mnk) {
      for (GemmKernel kernel : kernels()) {
        for (int t = 0; t < 8; t++) {
          check(kernel, (t & 4) != 0 ? Parallel.THREADS : 1, s[0], s[1], s[2], (t & 1) != 0,
              (t & 2) != 0);
        }
      }
    }
  }

  @Test
  void offsetsInsideLargerArraysAreRespected() {
    SplittableRandom rnd = new SplittableRandom(7);
    int m = 37;
    int n = 45;
    int k = 29;
    float[] a = random(rnd, 11 + m * k);
    float[] b = random(rnd, 5 + k * n);
    float[] want = MatmulReference.matmul(Arrays.copyOfRange(a, 11, a.length), new int[] {m, k},
        false, Arrays.copyOfRange(b, 5, b.length), new int[] {k, n}, false, false);
    for (GemmKernel kernel : kernels()) {
      float[] c = new float[3 + m * n];
      Gemm.gemm(kernel, 1, m, n, k, a, 11, false, b, 5, false, c, 3);
      assertEquals(0f, c[0] + c[1] + c[2], kernel.name() + " wrote before its offset");
      float[] got = Arrays.copyOfRange(c, 3, c.length);
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], 1e-4f, kernel.name() + " element " + i);
      }
    }
  }

  private static void check(GemmKernel kernel, int threads, int m, int n, int k, boolean ta,
      boolean tb) {
    SplittableRandom rnd = new SplittableRandom(1_000_003L * m + 1_009L * n + k);
    int[] as = ta ? new int[] {k, m} : new int[] {m, k};
    int[] bs = tb ? new int[] {n, k} : new int[] {k, n};
    float[] a = random(rnd, m * k);
    float[] b = random(rnd, k * n);
    float[] c = new float[m * n];
    Gemm.gemm(kernel, threads, m, n, k, a, 0, ta, b, 0, tb, c, 0);
    float[] want = MatmulReference.matmul(a, as, ta, b, bs, tb, false);
    float[] scale = MatmulReference.matmul(a, as, ta, b, bs, tb, true);
    for (int i = 0; i < want.length; i++) {
      double tol = (k + 2) * 0x1p-23 * scale[i] + 1e-30;
      if (Math.abs(c[i] - want[i]) > tol) {
        throw new AssertionError(kernel.name() + " threads=" + threads + " m=" + m + " n=" + n
            + " k=" + k + " ta=" + ta + " tb=" + tb + ": element " + i + " is " + c[i]
            + ", reference " + want[i]);
      }
    }
  }

  /** {@code size} uniform values in [-1, 1). */
  static float[] random(SplittableRandom rnd, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return x;
  }
}
