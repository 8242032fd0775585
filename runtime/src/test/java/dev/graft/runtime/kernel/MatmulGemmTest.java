package dev.graft.runtime.kernel;

import static dev.graft.runtime.kernel.MatmulKernelTest.kernels;
import static dev.graft.runtime.kernel.MatmulKernelTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.kernel.MatmulEpilogue.Activation;
import dev.graft.testkit.MatmulReference;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The output-taking GEMM ({@link Matmul#gemm}): overwrite and accumulate into a caller's array,
 * the epilogue (bias over columns, ReLU, GELU), every kernel on odd shapes against the reference
 * matmul, and bit-for-bit equal results on any thread count. The build runs this class a second
 * time with {@code --add-modules jdk.incubator.vector} so the Vector API kernel's shared-packing
 * path is covered too.
 */
class MatmulGemmTest {
  private static final int[] ODD = {1, 7, 33, 127, 257};

  @Test
  void oddShapesAgreeWithTheReferenceForEveryKernelModeAndEpilogue() {
    int[] depths = {1, 17, 63, 301};
    int cases = 0;
    for (int m : ODD) {
      for (int n : ODD) {
        int k = depths[(m + 3 * n) % depths.length];
        int variant = (m * 7 + n) % 8;
        for (GemmKernel kernel : kernels()) {
          if (kernel == Gemm.DIRECT && (long) m * n * k > 300_000) {
            continue; // the direct loops are for small products only
          }
          check(kernel, 1, m, n, k, (variant & 1) != 0, (variant & 2) != 0, (variant & 4) != 0,
              Activation.values()[(m + n) % 3], variant % 3 != 0);
          check(kernel, 2, m, n, k, (variant & 1) == 0, (variant & 2) != 0, (variant & 4) == 0,
              Activation.values()[(m + n + 1) % 3], variant % 3 == 0);
          cases += 2;
        }
      }
    }
    assertTrue(cases >= 4 * ODD.length * ODD.length - 20, "cases run: " + cases);
  }

  @Test
  void packedBlocksEdgesAndDeepProductsAgreeWithTheReference() {
    // Several NC' column blocks (k deep enough to shrink them), the in-place B path (m <= 24),
    // edge tiles on both axes, A and B transposed.
    int[][] mnk = {{13, 1100, 2049}, {49, 1057, 2101}, {25, 999, 777}, {259, 67, 513}};
    for (int[] s : mnk) {
      for (GemmKernel kernel : kernels()) {
        if (kernel == Gemm.DIRECT) {
          continue;
        }
        check(kernel, 2, s[0], s[1], s[2], false, false, false, Activation.RELU, true);
        check(kernel, 3, s[0], s[1], s[2], true, true, true, Activation.IDENTITY, true);
      }
    }
  }

  @Test
  void resultsAreBitForBitTheSameOnAnyThreadCount() {
    // Shapes for each path: packed by row items, packed by row and column items (few rows), the
    // in-place B, the transposed-B dot path (m <= 16), the swapped narrow product, a deep one.
    int[][] mnk = {{257, 257, 263}, {37, 1031, 257}, {19, 777, 301}, {7, 1001, 301},
        {1025, 9, 255}, {129, 513, 1111}, {127, 127, 127}};
    for (int[] s : mnk) {
      for (GemmKernel kernel : kernels()) {
        if (kernel == Gemm.DIRECT) {
          continue;
        }
        for (int f = 0; f < 4; f++) {
          boolean ta = (f & 1) != 0;
          boolean tb = (f & 2) != 0;
          MatmulEpilogue epi = new MatmulEpilogue(bias(s[1]), 0, Activation.GELU);
          float[] one = run(kernel, 1, s[0], s[1], s[2], ta, tb, false, epi);
          for (int threads : new int[] {2, 3, 8}) {
            float[] many = run(kernel, threads, s[0], s[1], s[2], ta, tb, false, epi);
            assertArrayEquals(one, many, kernel.name() + " " + threads + " threads "
                + java.util.Arrays.toString(s) + " ta=" + ta + " tb=" + tb);
          }
        }
      }
    }
  }

  @Test
  void overwriteIgnoresWhatTheOutputHeldAndLeavesTheRestAlone() {
    SplittableRandom rnd = new SplittableRandom(3);
    int m = 40;
    int n = 70;
    int k = 90;
    float[] a = random(rnd, m * k);
    float[] b = random(rnd, k * n);
    float[] c = new float[5 + m * n + 4];
    java.util.Arrays.fill(c, Float.NaN);
    Matmul.gemm(m, n, k, a, 0, false, b, 0, false, c, 5, false, MatmulEpilogue.NONE);
    float[] want = MatmulReference.matmul(a, new int[] {m, k}, false, b, new int[] {k, n}, false,
        false);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], c[5 + i], 1e-4f, "element " + i);
    }
    for (int i : new int[] {0, 4, 5 + m * n, c.length - 1}) {
      assertTrue(Float.isNaN(c[i]), "wrote outside the output at " + i);
    }
  }

  @Test
  void badArgumentsNameWhatIsWrong() {
    float[] x = new float[12];
    var e = assertThrows(IllegalArgumentException.class, () -> Matmul.gemm(3, 4, 2, x, 0, false,
        x, 0, false, new float[11], 0, false, MatmulEpilogue.NONE));
    assertTrue(e.getMessage().contains("c needs 12"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Matmul.gemm(3, 4, 2, x, 0, false, x,
        0, false, new float[12], 0, false, MatmulEpilogue.bias(new float[4], 1)));
    assertTrue(e.getMessage().contains("bias needs 4"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Matmul.gemm(3, 4, 2, x, 7, false, x,
        0, false, new float[12], 0, false, MatmulEpilogue.NONE));
    assertTrue(e.getMessage().contains("a needs 6"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new MatmulEpilogue(null, -1, Activation.RELU));
  }

  @Test
  void zeroDepthGivesTheEpilogueOfZeroOrOfTheOldOutput() {
    float[] bias = {1f, -2f, 3f};
    float[] c = {5f, 5f, 5f, -9f, 0f, 1f};
    Matmul.gemm(2, 3, 0, new float[0], 0, false, new float[0], 0, false, c, 0, true,
        MatmulEpilogue.bias(bias, 0).then(Activation.RELU));
    assertArrayEquals(new float[] {6f, 3f, 8f, 0f, 0f, 4f}, c);
    Matmul.gemm(2, 3, 0, new float[0], 0, false, new float[0], 0, false, c, 0, false,
        MatmulEpilogue.bias(bias, 0));
    assertArrayEquals(new float[] {1f, -2f, 3f, 1f, -2f, 3f}, c);
  }

  /** One product through the kernel, against the double-precision reference. */
  private static void check(GemmKernel kernel, int threads, int m, int n, int k, boolean ta,
      boolean tb, boolean accumulate, Activation act, boolean withBias) {
    SplittableRandom rnd = new SplittableRandom(1_000_003L * m + 1_009L * n + k);
    int[] as = ta ? new int[] {k, m} : new int[] {m, k};
    int[] bs = tb ? new int[] {n, k} : new int[] {k, n};
    float[] a = random(rnd, m * k);
    float[] b = random(rnd, k * n);
    float[] c0 = random(rnd, m * n);
    float[] bias = withBias ? random(rnd, n + 3) : null;
    MatmulEpilogue epi = new MatmulEpilogue(bias, 3, act);
    float[] c = c0.clone();
    Gemm.gemm(kernel, threads, m, n, k, a, 0, ta, b, 0, tb, c, 0, accumulate, epi);
    float[] want = MatmulReference.matmul(a, as, ta, b, bs, tb, false);
    float[] scale = MatmulReference.matmul(a, as, ta, b, bs, tb, true);
    for (int i = 0; i < want.length; i++) {
      double pre = (double) want[i] + (accumulate ? c0[i] : 0) + (withBias ? bias[3 + i % n] : 0);
      double expect = switch (act) {
        case IDENTITY -> pre;
        case RELU -> Math.max(pre, 0);
        case GELU -> FloatErf.gelu((float) pre);
      };
      // Rounding is relative to the sum of the terms' magnitudes; GELU's slope is below 1.2.
      double terms = scale[i] + (accumulate ? Math.abs(c0[i]) : 0)
          + (withBias ? Math.abs(bias[3 + i % n]) : 0);
      double tol = 1.2 * (k + 4) * 0x1p-23 * terms + 1e-6 * Math.abs(expect) + 1e-30;
      if (Math.abs(c[i] - expect) > tol) {
        throw new AssertionError(kernel.name() + " threads=" + threads + " m=" + m + " n=" + n
            + " k=" + k + " ta=" + ta + " tb=" + tb + " accumulate=" + accumulate + " " + act
            + " bias=" + withBias + ": element " + i + " is " + c[i] + ", reference " + expect);
      }
    }
  }

  private static float[] run(GemmKernel kernel, int threads, int m, int n, int k, boolean ta,
      boolean tb, boolean accumulate, MatmulEpilogue epi) {
    SplittableRandom rnd = new SplittableRandom(31L * m + n + 7L * k);
    float[] a = random(rnd, m * k);
    float[] b = random(rnd, k * n);
    float[] c = random(rnd, m * n);
    Gemm.gemm(kernel, threads, m, n, k, a, 0, ta, b, 0, tb, c, 0, accumulate, epi);
    return c;
  }

  private static float[] bias(int n) {
    return random(new SplittableRandom(n), n);
  }
}
