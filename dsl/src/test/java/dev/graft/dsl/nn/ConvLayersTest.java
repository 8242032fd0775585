package dev.graft.dsl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.graft.testkit.ConvReference;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Conv1d, Conv2d and Conv3d: forward against hand values and ConvReference, init, checks. */
class ConvLayersTest {

  @Test
  void conv1dHandComputed() {
    Conv c = new Conv(Tensor.of(new float[] {1, 2}, 1, 1, 2), Tensor.of(new float[] {0.5f}, 1),
        new int[] {1}, new int[] {0}, new int[] {1}, 1);
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 4);
    assertEquals(Tensor.of(new float[] {5.5f, 8.5f, 11.5f}, 1, 1, 3), c.apply(x));
    // unbatched (C, L) input gives (O, L')
    assertEquals(Tensor.of(new float[] {5.5f, 8.5f, 11.5f}, 1, 3),
        c.apply(Tensor.of(new float[] {1, 2, 3, 4}, 1, 4)));
  }

  @Test
  void conv2dHandComputedWithPaddingAndTwoOutputChannels() {
    // out channel 0: identity diagonal kernel, out channel 1: all ones; bias (0, 10)
    Tensor w = Tensor.of(new float[] {1, 0, 0, 1, 1, 1, 1, 1}, 2, 1, 2, 2);
    Conv c = new Conv(w, Tensor.of(new float[] {0, 10}, 2), new int[] {1}, new int[] {1},
        new int[] {1}, 1);
    Tensor y = c.apply(Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2));
    assertArrayEquals(new int[] {1, 2, 3, 3}, y.shape());
    assertArrayEquals(new float[] {1, 2, 0, 3, 5, 2, 0, 3, 4,
        11, 13, 12, 14, 20, 16, 13, 17, 14}, y.toArray());
  }

  @Test
  void stridedDilatedConv2dHandComputed() {
    // x 1x1x5x5 = 0..24, kernel 2x2 of ones dilated 2 with stride 2: x[i,j]+x[i,j+2]+x[i+2,j]+x[i+2,j+2]
    Conv c = new Conv(Tensor.ones(1, 1, 2, 2), null, new int[] {2}, new int[] {0},
        new int[] {2}, 1);
    Tensor y = c.apply(Tensor.arange(25).reshape(1, 1, 5, 5));
    assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
    // (0,0): 0+2+10+12=24, (0,2): 2+4+12+14=32, (2,0): 10+12+20+22=64, (2,2): 72
    assertArrayEquals(new float[] {24, 32, 64, 72}, y.toArray());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void matchesTheDirectLoopReference(int dims) {
    qt().withExamples(dims == 3 ? 15 : 30).forAll(longs().all()).checkAssert(seed -> {
      Random rnd = new Random(seed);
      int groups = 1 + rnd.nextInt(3);
      int in = groups * (1 + rnd.nextInt(2));
      int out = groups * (1 + rnd.nextInt(2));
      int[] k = new int[dims];
      int[] stride = new int[dims];
      int[] pad = new int[dims];
      int[] dil = new int[dims];
      int[] size = new int[dims + 2];
      size[0] = 1 + rnd.nextInt(2);
      size[1] = in;
      for (int i = 0; i < dims; i++) {
        k[i] = 1 + rnd.nextInt(3);
        stride[i] = 1 + rnd.nextInt(2);
        pad[i] = rnd.nextInt(2);
        dil[i] = 1 + rnd.nextInt(2);
        int span = dil[i] * (k[i] - 1) + 1;
        size[i + 2] = Math.max(1, span - 2 * pad[i]) + rnd.nextInt(dims == 3 ? 2 : 4);
      }
      int[] wShape = new int[dims + 2];
      wShape[0] = out;
      wShape[1] = in / groups;
      System.arraycopy(k, 0, wShape, 2, dims);
      Tensor w = Fixtures.randn(rnd, wShape);
      Tensor b = rnd.nextBoolean() ? Fixtures.randn(rnd, out) : null;
      Tensor x = Fixtures.randn(rnd, size);
      ConvLayer layer = switch (dims) {
        case 1 -> new Conv(w, b, stride, pad, dil, groups);
        case 2 -> new Conv(w, b, stride, pad, dil, groups);
        default -> new Conv(w, b, stride, pad, dil, groups);
      };
      Tensor expected = ConvReference.conv(x.toArray(), x.shape(), w.toArray(), w.shape(),
          stride, pad, dil, groups, Tensor::of);
      if (b != null) {
        int[] bs = new int[dims + 1];
        Arrays.fill(bs, 1);
        bs[0] = out;
        expected = expected.plus(b.reshape(bs));
      }
      Tensor want = expected;
      Tensor actual = layer.apply(x);
      assertTrue(actual.allClose(want, 1e-4, 1e-5), () -> layer + " on "
          + Arrays.toString(size) + ": max diff " + actual.maxAbsDiff(want));
    });
  }

  @Test
  void parameterCountsMatchPyTorch() {
    Key key = Key.of(3);
    // nn.Conv2d(3, 8, 3): 8*3*9 + 8
    assertEquals(224, Fixtures.parameterCount(Conv2d.create(3, 8, 3, key)));
    // nn.Conv1d(4, 6, 5, groups=2): 6*2*5 + 6
    assertEquals(66, Fixtures.parameterCount(
        Conv1d.create(4, 6, 5, ConvOptions.defaults().groups(2), key)));
    // nn.Conv3d(2, 4, 3): 4*2*27 + 4
    assertEquals(220, Fixtures.parameterCount(Conv3d.create(2, 4, 3, key)));
    // nn.Conv2d(3, 8, (3, 5), bias=False): 8*3*15
    assertEquals(360, Fixtures.parameterCount(
        Conv2d.create(3, 8, new int[] {3, 5}, ConvOptions.defaults().bias(false), key)));
  }

  @Test
  void initializerUsesFanInOfInPerGroupTimesKernel() {
    // fanIn = 4/2 * 9 = 18: bound 1/sqrt(18) ~ 0.236 (1/sqrt(36) ~ 0.167 would be wrong)
    Conv c = Conv2d.create(4, 16, 3, ConvOptions.defaults().groups(2), Key.of(11));
    float bound = (float) (1 / Math.sqrt(18));
    assertArrayEquals(new int[] {16, 2, 3, 3}, c.weight().shape());
    assertTrue(Fixtures.maxAbs(c.weight()) <= bound);
    assertTrue(Fixtures.maxAbs(c.weight()) > 0.95f * bound);
    assertTrue(Fixtures.maxAbs(c.bias()) <= bound);
    assertTrue(Fixtures.maxAbs(c.bias()) > 0.5f * bound);
    assertTrue(Math.abs(Fixtures.mean(c.weight())) < 0.05 * bound);
  }

  @Test
  void factoriesApplyTheOptions() {
    Conv c = Conv2d.create(2, 4, new int[] {3, 1},
        ConvOptions.defaults().stride(2, 1).padding(1).dilation(1, 2).bias(false), Key.of(1));
    assertArrayEquals(new int[] {2, 1}, c.stride());
    assertArrayEquals(new int[] {1, 1}, c.padding());
    assertArrayEquals(new int[] {1, 2}, c.dilation());
    assertArrayEquals(new int[] {3, 1}, c.kernelSize());
    assertEquals(1, c.groups());
    assertEquals(null, c.bias());
    assertEquals(2, c.inChannels());
    assertEquals(4, c.outChannels());
    assertEquals(2, c.spatialDims());
    // H: (5 + 2 - 3) / 2 + 1 = 3; W: a 1-wide kernel spans 1 whatever the dilation: 5 + 2 = 7
    assertArrayEquals(new int[] {1, 4, 3, 7}, c.apply(Tensor.zeros(1, 2, 5, 5)).shape());
  }

  @Test
  void arraysAreCopiedInAndOutAndCompareByValue() {
    int[] stride = {2};
    Conv c = new Conv(Tensor.ones(1, 1, 2), null, stride, new int[] {0}, new int[] {1}, 1);
    stride[0] = 5;
    assertArrayEquals(new int[] {2}, c.stride());
    c.stride()[0] = 7;
    assertArrayEquals(new int[] {2}, c.stride());
    Conv same = new Conv(Tensor.ones(1, 1, 2), null, new int[] {2}, new int[] {0},
        new int[] {1}, 1);
    assertEquals(same, c);
    assertEquals(same.hashCode(), c.hashCode());
    assertNotEquals(same.withWeight(Tensor.zeros(1, 1, 2)), c);
    assertEquals("Conv1d(1, 1, kernel=(2,), stride=(2,), padding=(0,), dilation=(1,), groups=1, "
        + "bias=false)", c.toString());
  }

  @Test
  void convLayerRebuildsTheSameTypeAndRunsItsGeometryWithAnotherKernel() {
    ConvLayer layer = Conv2d.create(2, 3, 3, ConvOptions.defaults().padding(1), Key.of(5));
    ConvLayer rebuilt = layer.withWeight(Tensor.zeros(3, 2, 3, 3));
    assertInstanceOf(Conv.class, rebuilt);
    assertEquals(2, rebuilt.spatialDims());
    assertEquals(layer.bias(), rebuilt.bias());
    Tensor x = Tensor.ones(1, 2, 4, 4);
    // a rank-1 kernel (1, 2, 3, 3) with this layer's padding keeps the 4x4 size, no bias
    Tensor y = layer.convolve(x, Tensor.ones(1, 2, 3, 3));
    assertArrayEquals(new int[] {1, 1, 4, 4}, y.shape());
    assertEquals(18f, y.value(0, 0, 1, 1));
    assertEquals(8f, y.value(0, 0, 0, 0));
    Conv three = Conv3d.create(1, 1, 1, Key.of(0)).withParams(Tensor.ones(1, 1, 1, 1, 1), null);
    assertEquals(3, three.spatialDims());
    assertTrue(three.toString().startsWith("Conv3d(1, 1, kernel=(1, 1, 1)"), three.toString());
  }

  @Test
  void constructorsAndInputsNameTheProblem() {
    assertMessage("Conv2d: bias shape (7,) does not match weight (8, 3, 3, 3): expected (8,)",
        () -> new Conv(Tensor.zeros(8, 3, 3, 3), Tensor.zeros(7), new int[] {1},
            new int[] {0}, new int[] {1}, 1));
    // one record for every rank: the weight's rank picks it, so only a rank outside 1-3 fails
    assertMessage("Conv: weight shape (8, 3) must have 3, 4 or 5 dims (out, in/groups, *kernel) "
        + "for 1, 2 or 3 spatial dims", () -> new Conv(Tensor.zeros(8, 3), null, new int[] {1},
            new int[] {0}, new int[] {1}, 1));
    assertMessage("Conv: weight shape (1, 1, 1, 1, 1, 1) must have 3, 4 or 5 dims "
        + "(out, in/groups, *kernel) for 1, 2 or 3 spatial dims",
        () -> new Conv(Tensor.zeros(1, 1, 1, 1, 1, 1), null, new int[] {1}, new int[] {0},
            new int[] {1}, 1));
    assertMessage("Conv2d: kernel [3, 3, 3] has 3 values for 2 spatial dims",
        () -> Conv2d.create(1, 1, new int[] {3, 3, 3}, ConvOptions.defaults(), Key.of(0)));
    assertMessage("Conv: 4 spatial dims; a convolution has 1, 2 or 3",
        () -> Conv.create(4, 1, 1, new int[] {3}, ConvOptions.defaults(), Key.of(0)));
    assertMessage("Conv1d: stride [1, 1] has 2 values for 1 spatial dims",
        () -> Conv2d.create(1, 1, 3, Key.of(0)).withWeight(Tensor.zeros(1, 1, 3)));
    assertThrows(NullPointerException.class, () -> new Conv(null, null, new int[] {1},
        new int[] {0}, new int[] {1}, 1));
    assertMessage("Conv1d: out_channels 7 (weight dim 0 of (7, 1, 3)) is not divisible by "
        + "groups 2", () -> new Conv(Tensor.zeros(7, 1, 3), null, new int[] {1},
            new int[] {0}, new int[] {1}, 2));
    assertMessage("Conv3d: stride [1, 2] has 2 values for 3 spatial dims",
        () -> new Conv(Tensor.zeros(1, 1, 1, 1, 1), null, new int[] {1, 2}, new int[] {0},
            new int[] {1}, 1));
    assertMessage("Conv2d: padding [-1, -1] must be at least 0 on every axis",
        () -> new Conv(Tensor.zeros(1, 1, 1, 1), null, new int[] {1}, new int[] {-1},
            new int[] {1}, 1));
    assertMessage("Conv2d: in_channels 3 and out_channels 8 must both be divisible by groups 2",
        () -> Conv2d.create(3, 8, 3, ConvOptions.defaults().groups(2), Key.of(0)));
    assertThrows(IllegalArgumentException.class,
        () -> Conv2d.create(3, 8, 3, ConvOptions.defaults().outputPadding(1), Key.of(0)));
    Conv c = new Conv(Tensor.zeros(2, 3, 1, 1), null, new int[] {1}, new int[] {0},
        new int[] {1}, 1);
    assertMessage("Conv2d: input shape (1, 4, 5, 5) has 4 channels, expected 3",
        () -> c.apply(Tensor.zeros(1, 4, 5, 5)));
    assertMessage("Conv2d: input shape (5, 5) must be (N, C, *spatial) or (C, *spatial) with 2 "
        + "spatial dims", () -> c.apply(Tensor.zeros(5, 5)));
  }

  static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertEquals(expected, e.getMessage());
  }
}
