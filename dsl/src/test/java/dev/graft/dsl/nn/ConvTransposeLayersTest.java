package dev.graft.dsl.nn;

import static dev.graft.dsl.nn.ConvLayersTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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

/** ConvTranspose1d/2d/3d: forward against hand values and ConvReference, init, checks. */
class ConvTransposeLayersTest {

  @Test
  void convTranspose1dHandComputed() {
    // each input value scatters x * w at stride 2: [1*1, 1*3, 2*1, 2*3] + bias 1
    ConvTranspose c = new ConvTranspose(Tensor.of(new float[] {1, 3}, 1, 1, 2),
        Tensor.of(new float[] {1}, 1), new int[] {2}, new int[] {0}, new int[] {0},
        new int[] {1}, 1);
    assertEquals(Tensor.of(new float[] {2, 4, 3, 7}, 1, 1, 4),
        c.apply(Tensor.of(new float[] {1, 2}, 1, 1, 2)));
    // output padding adds one position that only the bias reaches; unbatched input works
    ConvTranspose padded = new ConvTranspose(c.weight(), c.bias(), new int[] {2},
        new int[] {0}, new int[] {1}, new int[] {1}, 1);
    assertEquals(Tensor.of(new float[] {2, 4, 3, 7, 1}, 1, 5),
        padded.apply(Tensor.of(new float[] {1, 2}, 1, 2)));
  }

  @Test
  void convTranspose2dUpsamplesAndCropsPadding() {
    // 2x2 ones kernel stride 2 copies each pixel into a 2x2 block; padding 1 crops the border
    ConvTranspose up = new ConvTranspose(Tensor.ones(1, 1, 2, 2), null, new int[] {2},
        new int[] {0}, new int[] {0}, new int[] {1}, 1);
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
    assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4},
        up.apply(x).toArray());
    ConvTranspose cropped = new ConvTranspose(Tensor.ones(1, 1, 2, 2), null, new int[] {2},
        new int[] {1}, new int[] {0}, new int[] {1}, 1);
    Tensor y = cropped.apply(x);
    assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4}, y.toArray());
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
      int[] outPad = new int[dims];
      int[] dil = new int[dims];
      int[] size = new int[dims + 2];
      size[0] = 1 + rnd.nextInt(2);
      size[1] = in;
      for (int i = 0; i < dims; i++) {
        k[i] = 1 + rnd.nextInt(3);
        stride[i] = 1 + rnd.nextInt(3);
        dil[i] = 1 + rnd.nextInt(2);
        outPad[i] = rnd.nextInt(Math.max(stride[i], dil[i]));
        size[i + 2] = 1 + rnd.nextInt(dims == 3 ? 2 : 4);
        int full = (size[i + 2] - 1) * stride[i] + dil[i] * (k[i] - 1) + outPad[i] + 1;
        pad[i] = Math.min(rnd.nextInt(3), (full - 1) / 2);
      }
      int[] wShape = new int[dims + 2];
      wShape[0] = in;
      wShape[1] = out / groups;
      System.arraycopy(k, 0, wShape, 2, dims);
      Tensor w = Fixtures.randn(rnd, wShape);
      Tensor b = rnd.nextBoolean() ? Fixtures.randn(rnd, out) : null;
      Tensor x = Fixtures.randn(rnd, size);
      ConvTransposeLayer layer = switch (dims) {
        case 1 -> new ConvTranspose(w, b, stride, pad, outPad, dil, groups);
        case 2 -> new ConvTranspose(w, b, stride, pad, outPad, dil, groups);
        default -> new ConvTranspose(w, b, stride, pad, outPad, dil, groups);
      };
      Tensor expected = ConvReference.convTranspose(x.toArray(), x.shape(), w.toArray(),
          w.shape(), stride, pad, outPad, dil, groups, Tensor::of);
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
    // nn.ConvTranspose2d(4, 6, 3, groups=2): weight (4, 3, 3, 3) + bias 6
    ConvTranspose c = ConvTranspose2d.create(4, 6, 3, ConvOptions.defaults().groups(2), key);
    assertArrayEquals(new int[] {4, 3, 3, 3}, c.weight().shape());
    assertEquals(114, Fixtures.parameterCount(c));
    // nn.ConvTranspose1d(3, 5, 4): 3*5*4 + 5
    assertEquals(65, Fixtures.parameterCount(ConvTranspose1d.create(3, 5, 4, key)));
    // nn.ConvTranspose3d(2, 2, 2, bias=False): 2*2*8
    assertEquals(32, Fixtures.parameterCount(
        ConvTranspose3d.create(2, 2, 2, ConvOptions.defaults().bias(false), key)));
  }

  @Test
  void initializerUsesPyTorchsFanInForTheTransposedLayout() {
    // weight (4, 6, 3, 3): PyTorch's fan_in is size(1)*9 = 54, bound 1/sqrt(54) ~ 0.136
    // (in*9 = 36 would give 0.167 and escape the bound)
    ConvTranspose c = ConvTranspose2d.create(4, 6, 3, Key.of(13));
    float bound = (float) (1 / Math.sqrt(54));
    assertTrue(Fixtures.maxAbs(c.weight()) <= bound);
    assertTrue(Fixtures.maxAbs(c.weight()) > 0.95f * bound);
    assertTrue(Fixtures.maxAbs(c.bias()) <= bound);
  }

  @Test
  void layerInterfaceAndOptions() {
    ConvTransposeLayer layer = ConvTranspose2d.create(4, 6, 3,
        ConvOptions.defaults().stride(2).padding(1).outputPadding(1).groups(2), Key.of(2));
    assertEquals(4, layer.inChannels());
    assertEquals(6, layer.outChannels());
    assertArrayEquals(new int[] {1, 1}, layer.outputPadding());
    assertArrayEquals(new int[] {3, 3}, layer.kernelSize());
    assertEquals(2, layer.spatialDims());
    // (5 - 1) * 2 - 2 + 3 + 1 = 10
    assertArrayEquals(new int[] {6, 10, 10}, layer.apply(Tensor.zeros(4, 5, 5)).shape());
    assertInstanceOf(ConvTranspose.class, layer.withWeight(Tensor.zeros(4, 3, 3, 3)));
    assertEquals("ConvTranspose2d(4, 6, kernel=(3, 3), stride=(2, 2), padding=(1, 1), "
        + "outputPadding=(1, 1), dilation=(1, 1), groups=2, bias=true)", layer.toString());
  }

  @Test
  void constructorsNameTheProblem() {
    assertMessage("ConvTranspose2d: bias shape (4,) does not match weight (4, 3, 3, 3): "
        + "expected (6,)", () -> new ConvTranspose(Tensor.zeros(4, 3, 3, 3), Tensor.zeros(4),
            new int[] {1}, new int[] {0}, new int[] {0}, new int[] {1}, 2));
    assertMessage("ConvTranspose1d: in_channels 3 (weight dim 0 of (3, 1, 2)) is not divisible "
        + "by groups 2", () -> new ConvTranspose(Tensor.zeros(3, 1, 2), null, new int[] {1},
            new int[] {0}, new int[] {0}, new int[] {1}, 2));
    assertMessage("ConvTranspose1d: outputPadding [2] must be smaller than stride [2] or "
        + "dilation [1] on every axis", () -> new ConvTranspose(Tensor.zeros(1, 1, 2), null,
            new int[] {2}, new int[] {0}, new int[] {2}, new int[] {1}, 1));
    // one record for every rank: the weight's rank picks it, so only a rank outside 1-3 fails
    assertMessage("ConvTranspose: weight shape (1, 2) must have 3, 4 or 5 dims "
        + "(in, out/groups, *kernel) for 1, 2 or 3 spatial dims", () -> new ConvTranspose(
            Tensor.zeros(1, 2), null, new int[] {1}, new int[] {0}, new int[] {0},
            new int[] {1}, 1));
    assertMessage("ConvTranspose3d: kernel [2, 2] has 2 values for 3 spatial dims",
        () -> ConvTranspose3d.create(1, 1, new int[] {2, 2}, ConvOptions.defaults(),
            Key.of(0)));
    assertMessage("ConvTranspose: 0 spatial dims; a convolution has 1, 2 or 3",
        () -> ConvTranspose.create(0, 1, 1, new int[] {2}, ConvOptions.defaults(), Key.of(0)));
    ConvTranspose c = ConvTranspose1d.create(3, 2, 2, Key.of(0));
    assertMessage("ConvTranspose1d: input shape (1, 2, 4) has 2 channels, expected 3",
        () -> c.apply(Tensor.zeros(1, 2, 4)));
  }
}
