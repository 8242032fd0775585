package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import java.util.function.BiFunction;

/**
 * The shape rules of PEFT's LoKr ({@code peft.tuners.lokr}, from LyCORIS), which {@link
 * PeftLoKrLinear} follows: each side of the base is split into two factors by {@link
 * #factorization}, {@code out = a·b}, {@code in = c·d}; the update is {@code W1 ⊗ W2} with {@code
 * W1 (a, c)} and {@code W2 (b, d)}, each either a full matrix or a rank-{@code r} product; {@code
 * W2} is factored when {@code r < max(b, d)/2}, {@code W1} only with {@code decompose_both} and
 * {@code r < max(a, c)/2}.
 */
public final class PeftLoKr {
  private PeftLoKr() {}

  /**
   * LyCORIS's factorization of {@code dimension} into {@code (m, n)}, {@code m·n = dimension}:
   * with {@code factor > 0} dividing it, {@code (factor, dimension/factor)} as is; else {@code m ≤
   * n}, the
   * divisor pair found by walking divisors up from 1 while their sum does not grow and the smaller
   * stays within {@code factor} ({@code -1}: no bound), which lands near the square root. {@code
   * factorization(12, -1) = (3, 4)}, {@code (128, -1) = (8, 16)}, {@code (127, -1) = (1, 127)},
   * {@code (128, 4) = (4, 32)}.
   */
  public static int[] factorization(int dimension, int factor) {
    if (dimension < 1) {
      throw new IllegalArgumentException("LoKr: cannot factor a dimension of " + dimension);
    }
    if (factor > 0 && dimension % factor == 0) {
      return new int[] {factor, dimension / factor}; // as PEFT: not reordered
    }
    int bound = factor == -1 ? dimension : factor;
    int m = 1;
    int n = dimension;
    int length = m + n;
    while (m < n) {
      int newM = m + 1;
      while (dimension % newM != 0) {
        newM++;
      }
      int newN = dimension / newM;
      if (newM + newN > length || newM > bound) {
        break;
      }
      m = newM;
      n = newN;
    }
    return m <= n ? new int[] {m, n} : new int[] {n, m};
  }

  /** Whether PEFT stores {@code W2 (b, d)} whole for rank {@code r}: {@code r ≥ max(b, d)/2}. */
  public static boolean fullW2(int r, int b, int d) {
    return r >= Math.max(b, d) / 2.0;
  }

  /**
   * Whether PEFT stores {@code W1 (a, c)} whole: always unless {@code decomposeBoth} and {@code r
   * < max(a, c)/2}.
   */
  public static boolean fullW1(int r, int a, int c, boolean decomposeBoth) {
    return !(decomposeBoth && r < Math.max(a, c) / 2.0);
  }

  /**
   * The trainable fields of a PEFT-form LoKr layer: {@code lokrW1} when {@code W1} is whole, else
   * {@code lokrW1A} and {@code lokrW1B}; likewise for {@code W2}.
   */
  static java.util.List<String> fields(boolean w1Whole, boolean w2Whole) {
    java.util.List<String> out = new java.util.ArrayList<>();
    if (w1Whole) {
      out.add("lokrW1");
    } else {
      out.add("lokrW1A");
      out.add("lokrW1B");
    }
    if (w2Whole) {
      out.add("lokrW2");
    } else {
      out.add("lokrW2A");
      out.add("lokrW2B");
    }
    return java.util.List.copyOf(out);
  }

  /**
   * A factory named {@code name} for the layers of type {@code type}, building with {@code
   * create}; refuses a {@code decompose_factor} other than {@code -1} or a positive integer.
   */
  static AdapterFactory factory(String name, Class<? extends Layer> type, int decomposeFactor,
      BiFunction<Layer, AdapterConfig, LoraWrapper> create) {
    if (decomposeFactor == 0 || decomposeFactor < -1) {
      throw new IllegalArgumentException(name + ": decompose_factor must be -1 or >= 1, got "
          + decomposeFactor);
    }
    return AdapterFactory.of(name, type::isInstance, create);
  }
}
