package dev.graft.runtime.kernel;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Row-major copies of matrices that keep coming back as a transposed right operand: a {@link
 * dev.graft.runtime.Tensor}'s data is never written after it is built, so the copy stays valid as
 * long as the array lives. The case it is for is a frozen weight in {@code x·Wᵀ}: every forward
 * pass would otherwise re-gather {@code W}'s columns into packed panels (a transposing copy the
 * size of the weight), while a row-major B is packed by plain vector copies or read in place.
 *
 * <p>An array is copied the second time it is seen with the same view, so the activations and
 * trained weights of a step (new arrays every time) are never copied; entries go when their
 * array is collected, and the copies held at once are capped. A product gives bitwise the same
 * result either way: the kernels sum each element's terms in the same order for a transposed
 * and a row-major B.
 */
final class TransposeCache {
  /** Elements below which a transposing pack is too cheap to be worth a copy. */
  static final long MIN_ELEMENTS = 1 << 12;
  /** Most elements the copies may hold together (128 MiB); beyond it nothing new is cached. */
  static final long MAX_ELEMENTS = Long.getLong("graft.matmul.transposeCache", 1L << 25);

  /** What is known about one array: the view last seen, how often, and its copy if made. */
  private static final class Entry {
    final int off;
    final int k;
    final int n;
    int uses = 1;
    float[] copy;

    Entry(int off, int k, int n) {
      this.off = off;
      this.k = k;
      this.n = n;
    }
  }

  private static final Map<float[], Entry> ENTRIES = new WeakHashMap<>();
  private static long cached;

  private TransposeCache() {}

  /**
   * The {@code k×n} row-major copy of the transposed view {@code B(p, j) = b[off + p + j·k]} once
   * this view has been seen before, else {@code null} (the caller packs the view itself).
   */
  static float[] rowMajor(float[] b, int off, int k, int n) {
    long size = (long) k * n;
    if (size < MIN_ELEMENTS) {
      return null;
    }
    synchronized (ENTRIES) {
      Entry e = ENTRIES.get(b);
      if (e == null || e.off != off || e.k != k || e.n != n) {
        if (e != null && e.copy != null) {
          cached -= e.copy.length;
        }
        ENTRIES.put(b, new Entry(off, k, n));
        return null;
      }
      if (e.copy != null) {
        return e.copy;
      }
      if (++e.uses < 2) {
        return null;
      }
      if (cached + size > MAX_ELEMENTS && recount() + size > MAX_ELEMENTS) {
        return null;
      }
      e.copy = transpose(b, off, k, n);
      cached += size;
      return e.copy;
    }
  }

  /** Elements the copies hold now; for tests. */
  static long cachedElements() {
    synchronized (ENTRIES) {
      return recount();
    }
  }

  /** Recounts the copies held (entries of collected arrays are gone); holds the lock. */
  private static long recount() {
    long live = 0;
    for (Entry e : ENTRIES.values()) {
      live += e.copy == null ? 0 : e.copy.length;
    }
    cached = live;
    return live;
  }

  /** {@code out[p·n + j] = b[off + p + j·k]}, in 8×8 blocks so reads and writes stay local. */
  private static float[] transpose(float[] b, int off, int k, int n) {
    float[] out = new float[k * n];
    int k8 = k - k % 8;
    int n8 = n - n % 8;
    for (int j0 = 0; j0 < n8; j0 += 8) {
      for (int p0 = 0; p0 < k8; p0 += 8) {
        for (int j = j0; j < j0 + 8; j++) {
          int s = off + j * k + p0;
          int d = p0 * n + j;
          for (int q = 0; q < 8; q++) {
            out[d + q * n] = b[s + q];
          }
        }
      }
      for (int j = j0; j < j0 + 8; j++) {
        for (int p = k8; p < k; p++) {
          out[p * n + j] = b[off + j * k + p];
        }
      }
    }
    for (int j = n8; j < n; j++) {
      for (int p = 0; p < k; p++) {
        out[p * n + j] = b[off + j * k + p];
      }
    }
    return out;
  }
}
