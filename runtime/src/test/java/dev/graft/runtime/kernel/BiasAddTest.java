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
}
