package dev.graft.dsl.lora;

import dev.graft.runtime.Index;
import dev.graft.runtime.Tensor;
import java.util.Arrays;

/**
 * Kronecker products {@code W1 ⊗ W2} of a square {@code W1 (r, r)} and {@code W2 (p, q)}, cropped
 * to a base's {@code (out, in)} with {@code p = ⌈out/r⌉}, {@code q = ⌈in/r⌉} (LoKr). Entry {@code
 * (i·p + k, j·q + l)} of the product is {@code W1[i, j]·W2[k, l]}.
 */
final class Kronecker {
  private Kronecker() {}

  /** {@code ⌈n / r⌉}: the size of {@code W2}'s side for a base side {@code n}. */
  public static int blocks(int n, int r) {
    return (n + r - 1) / r;
  }

  /** {@code (W1 ⊗ W2)[:out, :in]}, formed as a dense {@code (out, in)} matrix. */
  public static Tensor cropped(Tensor w1, Tensor w2, int out, int in) {
    int r = w1.dim(0);
    int p = w2.dim(0);
    int q = w2.dim(1);
    Tensor full = w1.reshape(r, 1, r, 1).times(w2.reshape(1, p, 1, q)).reshape(r * p, r * q);
    return r * p == out && r * q == in ? full
        : full.get(Index.range(0, out), Index.range(0, in));
  }

  /**
   * {@code x · ((W1 ⊗ W2)[:out, :in])ᵀ} for {@code x (..., in)} without forming the product: pad
   * {@code x} to {@code r·q}, view it as {@code X (..., r, q)}, compute {@code W1 · X · W2ᵀ (...,
   * r, p)}, flatten to {@code r·p} and keep the first {@code out}.
   */
  public static Tensor apply(Tensor x, Tensor w1, Tensor w2, int out) {
    int r = w1.dim(0);
    int p = w2.dim(0);
    int q = w2.dim(1);
    int[] s = x.shape();
    int last = s.length - 1;
    int in = s[last];
    Tensor padded = x;
    if (r * q != in) {
      int[] zs = s.clone();
      zs[last] = r * q - in;
      padded = Tensor.concat(last, x, Tensor.zeros(zs));
    }
    int[] xs = Arrays.copyOf(s, s.length + 1);
    xs[last] = r;
    xs[last + 1] = q;
    Tensor y = w1.matmul(padded.reshape(xs)).matmul(w2, false, true);    // (..., r, p)
    int[] ys = s.clone();
    ys[last] = r * p;
    Tensor flat = y.reshape(ys);
    return r * p == out ? flat : flat.slice(last, 0, out);
  }
}
