package dev.graft.runtime;

/**
 * A splittable, counter-based random key (JAX style). The same key always yields the same
 * numbers, on any thread count; {@link #split(int)} and {@link #foldIn(int)} derive independent
 * keys. Immutable.
 */
public final class Key {
  // TODO(runtime/random): Threefry-2x32 or Philox state and derivations.
  private Key() {}

  /** The root key of a seed. */
  public static Key of(long seed) {
    throw new UnsupportedOperationException("TODO");
  }

  /** {@code n} independent keys derived from this one. */
  public Key[] split(int n) {
    throw new UnsupportedOperationException("TODO");
  }

  /** A key derived from this one and {@code data} (for example a layer index or step). */
  public Key foldIn(int data) {
    throw new UnsupportedOperationException("TODO");
  }
}
