package dev.graft.autodiff;

import static dev.graft.autodiff.TestTensors.assertGrad;
import static dev.graft.autodiff.TestTensors.qt;
import static dev.graft.autodiff.TestTensors.seeds;
import static dev.graft.autodiff.TestTensors.uniform;

import dev.graft.runtime.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * Properties: convolution and transposed convolution (composites of IM2COL / COL2IM and MATMUL)
 * differentiate correctly in 1, 2 and 3 spatial dims with stride, padding, dilation and groups.
 */
class ConvGradPropertiesTest {

  /** The geometry of one random convolution. */
  private record Geometry(int[] kernel, int[] stride, int[] padding, int[] dilation) {
    static Geometry random(SplittableRandom r, int rank) {
      int[] k = new int[rank];
      int[] s = new int[rank];
      int[] p = new int[rank];
      int[] d = new int[rank];
      for (int i = 0; i < rank; i++) {
        k[i] = 1 + r.nextInt(rank == 3 ? 2 : 3);
        s[i] = 1 + r.nextInt(2);
        p[i] = r.nextInt(2);
        d[i] = 1 + r.nextInt(2);
      }
      return new Geometry(k, s, p, d);
    }

    @Override
    public String toString() {
      return "kernel " + Arrays.toString(kernel) + " stride " + Arrays.toString(stride)
          + " padding " + Arrays.toString(padding) + " dilation " + Arrays.toString(dilation);
    }
  }

  private static int[] shape(int a, int b, int[] rest) {
    int[] s = new int[rest.length + 2];
    s[0] = a;
    s[1] = b;
    System.arraycopy(rest, 0, s, 2, rest.length);
    return s;
  }

  @Test
  void convIn1d2d3dWithStridePaddingDilationGroups() {
    qt(24).forAll(Generate.range(1, 3), Generate.range(1, 2), seeds())
        .checkAssert((rank, groups, seed) -> {
          SplittableRandom r = new SplittableRandom(seed);
          Geometry g = Geometry.random(r, rank);
          int[] spatial = new int[rank];
          for (int i = 0; i < rank; i++) {
            int reach = g.dilation[i] * (g.kernel[i] - 1) + 1;
            spatial[i] = Math.max(1, reach - 2 * g.padding[i]) + r.nextInt(rank == 3 ? 2 : 3);
          }
          int n = 1 + r.nextInt(2);
          int cin = groups * (1 + r.nextInt(2));
          int cout = groups * (1 + r.nextInt(2));
          Tensor x = uniform(r, -1, 1, shape(n, cin, spatial));
          Tensor w = uniform(r, -1, 1, shape(cout, cin / groups, g.kernel));
          assertGrad(p -> Tensor.conv(p.get(0), p.get(1), g.stride, g.padding, g.dilation, groups),
              x, w);
        });
  }

  @Test
  void convTransposeIn1d2d3d() {
    qt(24).forAll(Generate.range(1, 3), Generate.range(1, 2), seeds())
        .checkAssert((rank, groups, seed) -> {
          SplittableRandom r = new SplittableRandom(seed);
          Geometry g = Geometry.random(r, rank);
          int[] spatial = new int[rank];
          int[] outputPadding = new int[rank];
          for (int i = 0; i < rank; i++) {
            spatial[i] = 1 + r.nextInt(rank == 3 ? 2 : 3);
            outputPadding[i] = r.nextInt(Math.max(g.stride[i], g.dilation[i]));
            int out = (spatial[i] - 1) * g.stride[i] - 2 * g.padding[i]
                + g.dilation[i] * (g.kernel[i] - 1) + outputPadding[i] + 1;
            if (out <= 0) {
              g.padding[i] = 0;
            }
          }
          int n = 1 + r.nextInt(2);
          int cin = groups * (1 + r.nextInt(2));
          int coutPerGroup = 1 + r.nextInt(2);
          Tensor x = uniform(r, -1, 1, shape(n, cin, spatial));
          Tensor w = uniform(r, -1, 1, shape(cin, coutPerGroup, g.kernel));
          assertGrad(p -> Tensor.convTranspose(p.get(0), p.get(1), g.stride, g.padding,
              outputPadding, g.dilation, groups), x, w);
        });
  }
}
