package dev.graft.runtime.kernel;

import java.util.Arrays;

/** Maps each flat batch index of a broadcast result to the matrix index of one operand. */
final class MatmulBatch {
  private MatmulBatch() {}

  /**
   * For an operand of shape {@code shape} (batch axes = all but the last two) broadcast against
   * the result shape {@code out}, the operand's flat matrix index for every result batch index.
   */
  static int[] of(String what, int[] shape, int[] out) {
    int ob = out.length - 2;
    int sb = shape.length - 2;
    if (sb > ob) {
      throw new IllegalArgumentException(what + ": operand " + Arrays.toString(shape)
          + " has more batch axes than the result " + Arrays.toString(out));
    }
    int total = 1;
    for (int d = 0; d < ob; d++) {
      total *= out[d];
    }
    int[] index = new int[total];
    int[] counter = new int[ob];
    for (int t = 0; t < total; t++) {
      int flat = 0;
      for (int d = 0; d < sb; d++) {
        int size = shape[d];
        int o = counter[ob - sb + d];
        if (size != 1 && size != out[ob - sb + d]) {
          throw new IllegalArgumentException(what + ": batch axes of " + Arrays.toString(shape)
              + " do not broadcast to " + Arrays.toString(out));
        }
        flat = flat * size + (size == 1 ? 0 : o);
      }
      index[t] = flat;
      for (int d = ob - 1; d >= 0; d--) {
        if (++counter[d] < out[d]) {
          break;
        }
        counter[d] = 0;
      }
    }
    return index;
  }
}
