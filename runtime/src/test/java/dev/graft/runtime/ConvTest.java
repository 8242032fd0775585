package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.graft.runtime.kernel.Im2col;
import dev.graft.testkit.ConvReference;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** {@link Tensor#conv} and {@link Tensor#convTranspose} against {@link ConvReference}. */
class ConvTest {

  /** One random convolution problem; the same record describes both directions. */
  record Case(int rank, int n, int cin, int cout, int groups, int[] spatial, int[] kernel,
      int[] stride, int[] padding, int[] dilation, int[] outputPadding, long seed) {

    static Case random(int rank, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      int groups = 1 + r.nextInt(3);
      int cin = groups * (1 + r.nextInt(2));
      int cout = groups * (1 + r.nextInt(2));
      int[] spatial = new int[rank];
      int[] kernel = new int[rank];
      int[] stride = new int[rank];
      int[] padding = new int[rank];
      int[] dilation = new int[rank];
      int[] outputPadding = new int[rank];
      for (int d = 0; d < rank; d++) {
        kernel[d] = 1 + r.nextInt(3);
        stride[d] = 1 + r.nextInt(3);
        dilation[d] = 1 + r.nextInt(2);
        padding[d] = r.nextInt(3);
        int span = dilation[d] * (kernel[d] - 1) + 1;
        // Big enough that conv has output; small enough to stay fast in 3-d.
        spatial[d] = Math.max(1, span - 2 * padding[d]) + r.nextInt(rank == 3 ? 3 : 5);
        outputPadding[d] = r.nextInt(Math.max(stride[d], dilation[d]));
      }
      return new Case(rank, 1 + r.nextInt(2), cin, cout, groups, spatial, kernel, stride, padding,
          dilation, outputPadding, seed);
    }

    Tensor input(int channels) {
      int[] s = new int[rank + 2];
      s[0] = n;
      s[1] = channels;
      System.arraycopy(spatial, 0, s, 2, rank);
      return randomTensor(s, seed ^ 0x9E3779B97F4A7C15L);
    }

    Tensor weight(int dim0, int dim1) {
      int[] s = new int[rank + 2];
      s[0] = dim0;
      s[1] = dim1;
      System.arraycopy(kernel, 0, s, 2, rank);
      return randomTensor(s, seed + 17);
    }

    /** Whether the transposed problem's output (and hence the forward problem) is non-empty. */
    boolean transposeValid() {
      for (int d = 0; d < rank; d++) {
        int out = (spatial[d] - 1) * stride[d] - 2 * padding[d] + dilation[d] * (kernel[d] - 1)
            + outputPadding[d] + 1;
        if (out <= 0) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return "Case[rank=" + rank + ", n=" + n + ", cin=" + cin + ", cout=" + cout + ", groups="
          + groups + ", spatial=" + Arrays.toString(spatial) + ", kernel="
          + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride) + ", padding="
          + Arrays.toString(padding) + ", dilation=" + Arrays.toString(dilation)
          + ", outputPadding=" + Arrays.toString(outputPadding) + "]";
    }
  }

  static Tensor randomTensor(int[] shape, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] d = new float[Shapes.size(shape)];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) r.nextDouble(-1, 1);
    }
    return Tensor.of(d, shape);
  }

  private static Gen<Case> cases() {
    return integers().between(1, 3).zip(longs().all(), Case::random)
        .describedAs(Case::toString);
  }

  private static void assertClose(Tensor want, Tensor got, Object what) {
    assertArrayEquals(want.shape(), got.shape(), what.toString());
    assertTrue(got.allClose(want, 1e-4, 1e-5), () -> what + ": max diff " + got.maxAbsDiff(want));
  }

  @Test
  void convMatchesReference() {
    qt().withExamples(150).forAll(cases()).checkAssert(c -> {
      Tensor x = c.input(c.cin());
      Tensor w = c.weight(c.cout(), c.cin() / c.groups());
      Tensor want = ConvReference.conv(x.toArray(), x.shape(), w.toArray(), w.shape(),
          c.stride(), c.padding(), c.dilation(), c.groups(), Tensor::of);
      Tensor got = Tensor.conv(x, w, c.stride(), c.padding(), c.dilation(), c.groups());
      assertClose(want, got, c);
    });
  }

  @Test
  void convTransposeMatchesReference() {
    qt().withExamples(150).forAll(cases()).assuming(Case::transposeValid).checkAssert(c -> {
      Tensor x = c.input(c.cin());
      Tensor w = c.weight(c.cin(), c.cout() / c.groups());
      Tensor want = ConvReference.convTranspose(x.toArray(), x.shape(), w.toArray(), w.shape(),
          c.stride(), c.padding(), c.outputPadding(), c.dilation(), c.groups(), Tensor::of);
      Tensor got = Tensor.convTranspose(x, w, c.stride(), c.padding(), c.outputPadding(),
          c.dilation(), c.groups());
      assertClose(want, got, c);
    });
  }

  @Test
  void convTransposeIsTheAdjointOfConv() {
    // <conv(x, w), y> == <x, convTranspose(y, w)> when convTranspose restores x's spatial size.
    qt().withExamples(60).forAll(cases()).checkAssert(c -> {
      Tensor x = c.input(c.cin());
      Tensor w = c.weight(c.cout(), c.cin() / c.groups());
      Tensor y0 = Tensor.conv(x, w, c.stride(), c.padding(), c.dilation(), c.groups());
      Tensor y = randomTensor(y0.shape(), c.seed() + 99);
      int[] outPad = new int[c.rank()];
      for (int d = 0; d < c.rank(); d++) {
        int back = (y0.dim(2 + d) - 1) * c.stride()[d] - 2 * c.padding()[d]
            + c.dilation()[d] * (c.kernel()[d] - 1) + 1;
        outPad[d] = c.spatial()[d] - back;
      }
      for (int d = 0; d < c.rank(); d++) {
        if (outPad[d] >= Math.max(c.stride()[d], c.dilation()[d])) {
          return; // PyTorch cannot express this output size either
        }
      }
      Tensor xt = Tensor.convTranspose(y, w, c.stride(), c.padding(), outPad, c.dilation(),
          c.groups());
      double lhs = y0.times(y).sum().item();
      double rhs = x.times(xt).sum().item();
      assertEquals(lhs, rhs, 1e-3 * (1 + Math.abs(lhs)), c::toString);
    });
  }

  @Test
  void im2colAndCol2imAreAdjoint() {
    qt().withExamples(200).forAll(cases()).checkAssert(c -> {
      int[] outSpatial = new Params.Patches(c.spatial(), c.kernel(), c.stride(),
          c.padding(), c.dilation()).outSpatial();
      Params.Patches g = new Params.Patches(c.spatial(), c.kernel(), c.stride(),
          c.padding(), c.dilation());
      Tensor x = c.input(c.cin());
      float[] cols = Im2col.im2col(x.toArray(), c.n(), c.cin(), g.spatial(), g.kernel(),
          g.stride(), g.padding(), g.dilation());
      int k = Shapes.size(c.kernel());
      assertEquals(c.n() * c.cin() * k * Shapes.size(outSpatial), cols.length);
      float[] y = randomTensor(new int[] {cols.length}, c.seed() + 5).toArray();
      float[] back = Im2col.col2im(y, c.n(), c.cin(), g.spatial(), g.kernel(),
          g.stride(), g.padding(), g.dilation());
      double lhs = 0;
      for (int i = 0; i < cols.length; i++) {
        lhs += (double) cols[i] * y[i];
      }
      float[] xv = x.toArray();
      double rhs = 0;
      for (int i = 0; i < xv.length; i++) {
        rhs += (double) xv[i] * back[i];
      }
      assertEquals(lhs, rhs, 1e-4 * (1 + Math.abs(lhs)), c::toString);
    });
  }

  // ------------------------------------------------------------------ examples

  @Test
  void conv1dByHand() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 4);
    Tensor w = Tensor.of(new float[] {1, 0, -1}, 1, 1, 3);
    // Valid positions: 1-3, 2-4.
    assertArrayEquals(new float[] {-2, -2}, Tensor.conv(x, w, 1, 0, 1, 1).toArray());
    // Padding 1: [0,1,2] [1,2,3] [2,3,4] [3,4,0].
    assertArrayEquals(new float[] {-2, -2, -2, 3}, Tensor.conv(x, w, 1, 1, 1, 1).toArray());
    // Stride 2 with padding 1: positions 0 and 2.
    assertArrayEquals(new float[] {-2, -2}, Tensor.conv(x, w, 2, 1, 1, 1).toArray());
    // Dilation 2 with padding 2: taps at i-2, i, i+2 around each input position.
    assertArrayEquals(new float[] {-3, -4, 1, 2}, Tensor.conv(x, w, 1, 2, 2, 1).toArray());
  }

  @Test
  void conv2dGroupsByHand() {
    // Two channels, groups=2, each channel summed over a 2x2 window with its own scale.
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 10, 20, 30, 40}, 1, 2, 2, 2);
    Tensor w = Tensor.of(new float[] {1, 1, 1, 1, 2, 2, 2, 2}, 2, 1, 2, 2);
    Tensor y = Tensor.conv(x, w, 1, 0, 1, 2);
    assertArrayEquals(new int[] {1, 2, 1, 1}, y.shape());
    assertArrayEquals(new float[] {10, 200}, y.toArray());
  }

  @Test
  void convTranspose1dByHand() {
    // Stride 2 spreads each input by the kernel: [1,2] * [1,10,100].
    Tensor x = Tensor.of(new float[] {1, 2}, 1, 1, 2);
    Tensor w = Tensor.of(new float[] {1, 10, 100}, 1, 1, 3);
    Tensor y = Tensor.convTranspose(x, w, 2, 0, 0, 1, 1);
    assertArrayEquals(new float[] {1, 10, 102, 20, 200}, y.toArray());
    // Padding 1 crops one from each side; output padding 1 adds one at the end.
    assertArrayEquals(new float[] {10, 102, 20, 200},
        Tensor.convTranspose(x, w, 2, 1, 1, 1, 1).toArray());
  }

  @Test
  void convTransposeOutputPaddingBeyondStride() {
    // Allowed when dilation > stride: output position o = i + 2k, and the last one gets nothing.
    Tensor x = Tensor.of(new float[] {1, 2}, 1, 1, 2);
    Tensor w = Tensor.of(new float[] {1, 1}, 1, 1, 2);
    assertArrayEquals(new float[] {1, 2, 1, 2, 0},
        Tensor.convTranspose(x, w, 1, 0, 1, 2, 1).toArray());
  }

  @Test
  void convErrorsNameShapes() {
    Tensor x = Tensor.zeros(1, 3, 5, 5);
    var e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.conv(x, Tensor.zeros(4, 2, 3, 3), 1, 0, 1, 1));
    assertEquals("conv: input (1, 3, 5, 5) x weight (4, 2, 3, 3): weight dim 1 is 2 but"
        + " in_channels/groups is 3", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.conv(x, Tensor.zeros(4, 3, 7, 7), 1, 0, 1, 1));
    assertTrue(e.getMessage().startsWith("conv: input (1, 3, 5, 5) x weight (4, 3, 7, 7)"),
        e.getMessage());
  }
}
