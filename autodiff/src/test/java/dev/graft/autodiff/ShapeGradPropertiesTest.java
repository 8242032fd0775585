package dev.graft.autodiff;

import static dev.graft.autodiff.TestTensors.assertGrad;
import static dev.graft.autodiff.TestTensors.qt;
import static dev.graft.autodiff.TestTensors.seeds;
import static dev.graft.autodiff.TestTensors.shapes;
import static dev.graft.autodiff.TestTensors.uniform;

import dev.graft.runtime.Dispatch;
import dev.graft.runtime.Index;
import dev.graft.runtime.Params;
import dev.graft.runtime.Primitive;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Properties: the layout primitives' VJPs agree with finite differences. */
class ShapeGradPropertiesTest {

  @Test
  void reshapeToAnyFactorization() {
    qt(30).forAll(shapes(1, 4, 4), seeds()).checkAssert((shape, seed) -> {
      SplittableRandom r = new SplittableRandom(seed);
      Tensor x = uniform(r, -2, 2, shape);
      int n = TestTensors.size(shape);
      int first = 1;
      for (int d = n; d >= 1; d--) {
        if (n % d == 0 && r.nextBoolean()) {
          first = d;
          break;
        }
      }
      int[] target = {first, -1};
      assertGrad(p -> p.get(0).reshape(target).times(p.get(0).reshape(target)), x);
    });
  }

  @Test
  void permuteAndTranspose() {
    qt(30).forAll(shapes(2, 4, 4), seeds()).checkAssert((shape, seed) -> {
      SplittableRandom r = new SplittableRandom(seed);
      Tensor x = uniform(r, -2, 2, shape);
      int[] perm = shuffled(r, shape.length);
      assertGrad(p -> p.get(0).permute(perm), x);
      assertGrad(p -> p.get(0).transpose().exp(), x);
    });
  }

  @Test
  void broadcastToSumsBack() {
    qt(30).forAll(shapes(1, 3, 4), seeds()).checkAssert((shape, seed) -> {
      SplittableRandom r = new SplittableRandom(seed);
      int[] small = TestTensors.partner(r, shape);
      int[] target = new int[shape.length + 1];
      target[0] = 2;
      System.arraycopy(shape, 0, target, 1, shape.length);
      Tensor x = uniform(r, -2, 2, small);
      assertGrad(p -> p.get(0).broadcastTo(target), x);
    });
  }

  @Test
  void slicingThroughGet() {
    qt(40).forAll(shapes(1, 3, 5), seeds()).checkAssert((shape, seed) -> {
      SplittableRandom r = new SplittableRandom(seed);
      Tensor x = uniform(r, -2, 2, shape);
      int axes = 1 + r.nextInt(shape.length);
      Index[] ix = new Index[axes];
      for (int i = 0; i < axes; i++) {
        int n = shape[i];
        switch (r.nextInt(3)) {
          case 0:
            ix[i] = Index.at(r.nextInt(-n, n));
            break;
          case 1:
            ix[i] = Index.all();
            break;
          default:
            int start = r.nextInt(n);
            ix[i] = Index.range(start, start + 1 + r.nextInt(n - start), 1 + r.nextInt(2));
        }
      }
      assertGrad(p -> p.get(0).get(ix).square(), x);
    });
  }

  @Test
  void scatterSliceIsAdjointOfSlice() {
    qt(30).forAll(shapes(1, 3, 5), seeds()).checkAssert((shape, seed) -> {
      SplittableRandom r = new SplittableRandom(seed);
      int n = shape.length;
      int[] start = new int[n];
      int[] stop = new int[n];
      int[] step = new int[n];
      for (int i = 0; i < n; i++) {
        start[i] = r.nextInt(shape[i]);
        stop[i] = start[i] + 1 + r.nextInt(shape[i] - start[i]);
        step[i] = 1 + r.nextInt(2);
      }
      Params.Slice slice = new Params.Slice(shape.clone(), start, stop, step);
      Tensor box = uniform(r, -2, 2, slice.resultShape());
      assertGrad(p -> Dispatch.bind(Primitive.SCATTER_SLICE, slice, p.get(0)), box);
    });
  }

  @Test
  void concatAndStack() {
    qt(30).forAll(shapes(1, 3, 3), seeds()).checkAssert((shape, seed) -> {
      SplittableRandom r = new SplittableRandom(seed);
      int axis = r.nextInt(shape.length);
      int parts = 2 + r.nextInt(2);
      List<Tensor> xs = new ArrayList<>();
      for (int k = 0; k < parts; k++) {
        int[] s = shape.clone();
        s[axis] = 1 + r.nextInt(3);
        xs.add(uniform(r, -2, 2, s));
      }
      Tensor constant = uniform(r, -2, 2, xs.get(0).shape());
      // The first part is used twice and a constant sits in the middle.
      assertGrad(p -> {
        List<Tensor> all = new ArrayList<>(p);
        all.add(1, constant);
        all.add(p.get(0));
        return Tensor.concat(all, axis).tanh();
      }, xs.toArray(new Tensor[0]));
      Tensor a = uniform(r, -2, 2, shape);
      Tensor b = uniform(r, -2, 2, shape);
      int stackAxis = r.nextInt(shape.length + 1);
      assertGrad(p -> Tensor.stack(p, stackAxis).square(), a, b);
    });
  }

  @Test
  void takeAndScatterAdd() {
    qt(30).forAll(shapes(1, 3, 4), seeds()).checkAssert((shape, seed) -> {
      SplittableRandom r = new SplittableRandom(seed);
      Tensor x = uniform(r, -2, 2, shape);
      int[] idx = new int[1 + r.nextInt(6)];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = r.nextInt(shape[0]); // repeats are likely: cotangents must add up
      }
      assertGrad(p -> p.get(0).take(idx).square(), x);
      int[] rowsShape = shape.clone();
      rowsShape[0] = idx.length;
      Tensor rows = uniform(r, -2, 2, rowsShape);
      Params.Take scatter = new Params.Take(idx, shape[0] + 1);
      assertGrad(p -> Dispatch.bind(Primitive.SCATTER_ADD, scatter, p.get(0)).square(), rows);
    });
  }

  private static int[] shuffled(SplittableRandom r, int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
