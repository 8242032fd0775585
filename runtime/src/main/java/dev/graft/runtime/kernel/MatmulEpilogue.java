package dev.graft.runtime.kernel;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Matmul#gemm} applies to each element of its result once the whole sum over
 * {@code k} is in: {@code C[i][j] = activation(C[i][j] + bias[biasOffset + j])}, the bias running
 * over the result's columns. The packed kernel applies it to each block of {@code C} right after
 * that block's last multiply-adds, while the block is still in cache, so a {@code Linear} layer's
 * bias and activation cost no extra pass over memory.
 *
 * @param bias per-column values added to the product, or null for none
 * @param biasOffset index in {@code bias} of column 0's value
 * @param activation the elementwise function applied last
 */
public record MatmulEpilogue(float @Nullable [] bias, int biasOffset, Activation activation) {
  /** Nothing added, nothing applied. */
  public static final MatmulEpilogue NONE = new MatmulEpilogue(null, 0, Activation.IDENTITY);

  /** The elementwise functions an epilogue can apply; each keeps its loop vectorizable. */
  public enum Activation {
    /** {@code x}. */
    IDENTITY,
    /** {@code max(x, 0)} (NaN stays NaN). */
    RELU,
    /** The exact GELU {@code x·Φ(x)}, bit for bit the runtime's elementwise GELU. */
    GELU
  }

  /** Checks the activation is given and the offset is not negative. */
  public MatmulEpilogue {
    Objects.requireNonNull(activation, "MatmulEpilogue: activation");
    if (biasOffset < 0) {
      throw new IllegalArgumentException("MatmulEpilogue: negative bias offset " + biasOffset);
    }
  }

  /** Adds {@code bias[offset + j]} to column {@code j}. */
  public static MatmulEpilogue bias(float[] bias, int offset) {
    return new MatmulEpilogue(Objects.requireNonNull(bias, "MatmulEpilogue: bias"), offset,
        Activation.IDENTITY);
  }

  /** Applies {@code activation} alone. */
  public static MatmulEpilogue of(Activation activation) {
    return new MatmulEpilogue(null, 0, activation);
  }

  /** This epilogue followed by {@code next} in place of its activation. */
  public MatmulEpilogue then(Activation next) {
    return new MatmulEpilogue(bias, biasOffset, next);
  }

  /** Whether applying it changes nothing. */
  boolean isNone() {
    return bias == null && activation == Activation.IDENTITY;
  }

  /**
   * Applies the epilogue to rows {@code [i0, i0 + rows)} and columns {@code [j0, j0 + cols)} of a
   * result whose element {@code (i, j)} is {@code c[cOff + i * crs + j * ccs]}.
   */
  void apply(float[] c, int cOff, int crs, int ccs, int i0, int rows, int j0, int cols) {
    if (activation == Activation.GELU && ccs == 1 && crs == cols) {
      // Whole rows lie back to back: one GELU call over the block (its scratch is per call).
      int from = cOff + i0 * crs + j0;
      if (bias != null) {
        new MatmulEpilogue(bias, biasOffset, Activation.IDENTITY)
            .apply(c, cOff, crs, ccs, i0, rows, j0, cols);
      }
      FloatErf.gelu(c, c, from, from + rows * cols);
      return;
    }
    for (int i = i0; i < i0 + rows; i++) {
      int off = cOff + i * crs + j0 * ccs;
      if (ccs == 1) {
        row(c, off, j0, cols);
      } else {
        for (int j = 0; j < cols; j++) {
          int o = off + j * ccs;
          float v = bias == null ? c[o] : c[o] + bias[biasOffset + j0 + j];
          c[o] = activation == Activation.RELU ? Math.max(v, 0f)
              : activation == Activation.GELU ? FloatErf.gelu(v) : v;
        }
      }
    }
  }

  /** One contiguous row segment; each case is its own loop so C2 vectorizes it. */
  private void row(float[] c, int off, int j0, int cols) {
    float[] b = bias;
    int bo = biasOffset + j0;
    if (b != null && activation == Activation.RELU) {
      for (int j = 0; j < cols; j++) {
        c[off + j] = Math.max(c[off + j] + b[bo + j], 0f);
      }
      return;
    }
    if (b != null) {
      for (int j = 0; j < cols; j++) {
        c[off + j] += b[bo + j];
      }
    }
    if (activation == Activation.RELU) {
      for (int j = 0; j < cols; j++) {
        c[off + j] = Math.max(c[off + j], 0f);
      }
    } else if (activation == Activation.GELU) {
      FloatErf.gelu(c, c, off, off + cols);
    }
  }
}
