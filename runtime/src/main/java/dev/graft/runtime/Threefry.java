package dev.graft.runtime;

/**
 * The Threefry-2x32 block function with 20 rounds (Salmon et al., "Parallel random numbers: as
 * easy as 1, 2, 3", SC 2011), the hash behind {@link Key} and {@link Random}: a keyed bijection
 * of a 64-bit counter, so any element of a random stream is computed from its index alone.
 */
final class Threefry {
  private static final int PARITY = 0x1BD11BDA;
  private static final int[] ROTATIONS = {13, 15, 26, 6, 17, 29, 16, 24};

  private Threefry() {}

  /**
   * Encrypts the counter {@code (x0, x1)} under the key {@code (k0, k1)}; the two output words
   * are packed as {@code (long) y0 << 32 | y1 & 0xFFFFFFFFL}.
   */
  static long hash(int k0, int k1, int x0, int x1) {
    int k2 = PARITY ^ k0 ^ k1;
    x0 += k0;
    x1 += k1;
    // Five groups of four rounds, each followed by a key injection.
    x0 += x1; x1 = Integer.rotateLeft(x1, 13) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 15) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 26) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 6) ^ x0;
    x0 += k1; x1 += k2 + 1;
    x0 += x1; x1 = Integer.rotateLeft(x1, 17) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 29) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 16) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 24) ^ x0;
    x0 += k2; x1 += k0 + 2;
    x0 += x1; x1 = Integer.rotateLeft(x1, 13) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 15) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 26) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 6) ^ x0;
    x0 += k0; x1 += k1 + 3;
    x0 += x1; x1 = Integer.rotateLeft(x1, 17) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 29) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 16) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 24) ^ x0;
    x0 += k1; x1 += k2 + 4;
    x0 += x1; x1 = Integer.rotateLeft(x1, 13) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 15) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 26) ^ x0;
    x0 += x1; x1 = Integer.rotateLeft(x1, 6) ^ x0;
    x0 += k2; x1 += k0 + 5;
    return (long) x0 << 32 | x1 & 0xFFFFFFFFL;
  }

  /** The textbook loop form of {@link #hash}: the reference the unrolled form is tested against. */
  static long hashReference(int k0, int k1, int x0, int x1) {
    int[] ks = {k0, k1, PARITY ^ k0 ^ k1};
    x0 += ks[0];
    x1 += ks[1];
    for (int r = 0; r < 20; r++) {
      x0 += x1;
      x1 = Integer.rotateLeft(x1, ROTATIONS[r % 8]);
      x1 ^= x0;
      if (r % 4 == 3) {
        int s = (r + 1) / 4;
        x0 += ks[s % 3];
        x1 += ks[(s + 1) % 3] + s;
      }
    }
    return (long) x0 << 32 | x1 & 0xFFFFFFFFL;
  }

  static int high(long packed) {
    return (int) (packed >>> 32);
  }

  static int low(long packed) {
    return (int) packed;
  }
}
