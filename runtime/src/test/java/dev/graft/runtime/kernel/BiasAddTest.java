package dev.graft.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link BiasAdd} against the scalar broadcast sum, on odd shapes split across threads. */
class BiasAddTest {

  @Test
  void addsTheBiasToEveryRowAsABroadcastAddWould() {
    SplittableRandom rnd = new SplittableRandom(13);
    for (int[] s : new int[][] {{1, 1}, {3, 7}, {129, 33}, {301, 257}}) {
      int rows = s[0];
      int cols = s[1];
      float[] y = new float[rows * cols];
      float[] b = new float[cols];
      for (int i = 0; i < y.length; i++) {
        y[i] = (float) rnd.nextGaussian();
      }
      for (int j = 0; j < cols; j++) {
        b[j] = (float) rnd.nextGaussian();
      }
      float[] want = new float[y.length];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          want[i * cols + j] = y[i * cols + j] + b[j];
        }
      }
      BiasAdd.addRowsInPlace(y, b, cols);
      assertArrayEquals(want, y, rows + "x" + cols);
    }
  }

  @Test
  void rejectsABiasThatDoesNotFitTheRows() {
    assertThrows(IllegalArgumentException.class,
        () -> BiasAdd.addRowsInPlace(new float[10], new float[3], 3));
  }

  @Test
  void theFusedRectifierIsTheReluKernelsIncludingNaNAndSignedZero() {
    float[] b = {0f, -0f, 1f, -1f, Float.NaN};
    float[] y = {-0f, -0f, -1f, 1f, 2f, 0f, 0f, -3f, -0.5f, -2f};
    float[] want = new float[y.length];
    for (int i = 0; i < y.length; i++) {
      want[i] = Math.max(y[i] + b[i % 5], 0f);
    }
    float[] plain = y.clone();
    BiasAdd.addRowsInPlace(y, b, 5, true);
    assertArrayEquals(want, y);
    float[] relu = new float[plain.length];
    for (int i = 0; i < plain.length; i++) {
      relu[i] = Math.max(plain[i], 0f);
    }
    BiasAdd.reluInPlace(plain);
    assertArrayEquals(relu, plain);
  }
}
