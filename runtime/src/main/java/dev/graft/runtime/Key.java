package dev.graft.runtime;

import java.util.Locale;

/**
 * A splittable, counter-based random key (JAX style). The same key always yields the same
 * numbers, on any thread count; {@link #split(int)} and {@link #foldIn(int)} derive independent
 * keys. Immutable.
 *
 * <p>A key is two 32-bit words, used as the key of the Threefry-2x32 (20 rounds) block cipher.
 * Every derived value is the encryption of a counter {@code (domain, index)}: domain {@code 0} is
 * {@link #foldIn(int)} (the derivation of JAX's {@code fold_in}, and {@link #of(long)} is JAX's
 * {@code PRNGKey} for seeds in {@code [0, 2^31)}), domain {@code 1} is {@link #split(int)}, domain
 * {@code 2} holds the samples of {@link Random}. Separate domains keep a split key, a folded key
 * and the key's own samples apart.
 */
public final class Key {
  static final int FOLD_DOMAIN = 0;
  static final int SPLIT_DOMAIN = 1;
  static final int SAMPLE_DOMAIN = 2;

  private final int k0;
  private final int k1;

  private Key(int k0, int k1) {
    this.k0 = k0;
    this.k1 = k1;
  }

  /** The root key of a seed: high word {@code seed >>> 32}, low word the low 32 bits (as JAX). */
  public static Key of(long seed) {
    return new Key((int) (seed >>> 32), (int) seed);
  }

  /** The key with the two given words, as returned by {@link #words()} (e.g. from a checkpoint). */
  public static Key ofWords(int high, int low) {
    return new Key(high, low);
  }

  /** The key's two 32-bit words {@code {high, low}}; {@link #ofWords} rebuilds the key. */
  public int[] words() {
    return new int[] {k0, k1};
  }

  /** {@code n} independent keys derived from this one. */
  public Key[] split(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("Key.split: n must be >= 0, got " + n);
    }
    Key[] keys = new Key[n];
    for (int i = 0; i < n; i++) {
      keys[i] = derive(SPLIT_DOMAIN, i);
    }
    return keys;
  }

  /** A key derived from this one and {@code data} (for example a layer index or step). */
  public Key foldIn(int data) {
    return derive(FOLD_DOMAIN, data);
  }

  private Key derive(int domain, int index) {
    long h = Threefry.hash(k0, k1, domain, index);
    return new Key(Threefry.high(h), Threefry.low(h));
  }

  /** Block {@code j} of this key's sample stream: two 32-bit words packed in a long. */
  long sampleBlock(int j) {
    return Threefry.hash(k0, k1, SAMPLE_DOMAIN, j);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Key k && k.k0 == k0 && k.k1 == k1;
  }

  @Override
  public int hashCode() {
    return 31 * k0 + k1;
  }

  /** For example {@code Key[0x00000000, 0x0000002a]} for {@code Key.of(42)}. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "Key[0x%08x, 0x%08x]", k0, k1);
  }
}
