package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyTest {
  /** Known-answer vectors of Threefry-2x32-20 from Random123 (also in JAX's test suite). */
  @Test
  void threefryMatchesPublishedVectors() {
    assertHash(0x6b200159, 0x99ba4efe, 0, 0, 0, 0);
    assertHash(0x1cb996fc, 0xbb002be7, -1, -1, -1, -1);
    assertHash(0xc4923a9c, 0x483df7a0, 0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3);
  }

  private static void assertHash(int y0, int y1, int k0, int k1, int x0, int x1) {
    long h = Threefry.hash(k0, k1, x0, x1);
    assertEquals(Integer.toHexString(y0), Integer.toHexString(Threefry.high(h)));
    assertEquals(Integer.toHexString(y1), Integer.toHexString(Threefry.low(h)));
    assertEquals(h, Threefry.hashReference(k0, k1, x0, x1));
  }

  @Test
  void unrolledHashEqualsReferenceLoop() {
    qt().forAll(integers().all(), integers().all(), integers().all(), integers().all())
        .check((k0, k1, x0, x1) ->
            Threefry.hash(k0, k1, x0, x1) == Threefry.hashReference(k0, k1, x0, x1));
  }

  @Test
  void sameSeedGivesEqualKeysAndSameDerivations() {
    qt().forAll(longs().all()).checkAssert(seed -> {
      Key a = Key.of(seed);
      Key b = Key.of(seed);
      assertEquals(a, b);
      assertEquals(a.hashCode(), b.hashCode());
      assertArrayEquals(a.split(3), b.split(3));
      assertEquals(a.foldIn(7), b.foldIn(7));
      assertEquals(a, Key.ofWords(a.words()[0], a.words()[1]));
    });
  }

  @Test
  void seedWordsAreHighAndLowHalves() {
    assertArrayEquals(new int[] {0, 42}, Key.of(42).words());
    assertArrayEquals(new int[] {1, 2}, Key.of((1L << 32) | 2).words());
    assertEquals("Key[0x00000000, 0x0000002a]", Key.of(42).toString());
  }

  @Test
  void differentSeedsGiveDifferentKeys() {
    qt().forAll(longs().all(), longs().all()).assuming((a, b) -> !a.equals(b))
        .check((a, b) -> !Key.of(a).equals(Key.of(b)));
  }

  @Test
  void splitAndFoldInGiveDistinctKeys() {
    Key root = Key.of(2024);
    Set<Key> seen = new HashSet<>();
    seen.add(root);
    Key[] parts = root.split(2000);
    for (Key k : parts) {
      assertTrue(seen.add(k), () -> "split repeated a key: " + k);
    }
    for (int i = 0; i < 2000; i++) {
      int at = i;
      assertTrue(seen.add(root.foldIn(i)), () -> "foldIn(" + at + ") repeated a key");
    }
    // Derivations of derivations stay distinct too.
    for (Key k : parts[0].split(100)) {
      assertTrue(seen.add(k), "nested split repeated a key");
    }
  }

  @Test
  void splitIsPrefixStable() {
    Key root = Key.of(5);
    Key[] five = root.split(5);
    Key[] ten = root.split(10);
    for (int i = 0; i < 5; i++) {
      assertEquals(five[i], ten[i]);
    }
    assertEquals(0, root.split(0).length);
  }

  @Test
  void splitKeysGiveUncorrelatedStreams() {
    Key[] ks = Key.of(1).split(2);
    float[] a = Random.normal(ks[0], 20_000).toArray();
    float[] b = Random.normal(ks[1], 20_000).toArray();
    float[] c = Random.normal(Key.of(1).foldIn(0), 20_000).toArray();
    assertTrue(Math.abs(correlation(a, b)) < 0.035, "split streams correlate");
    assertTrue(Math.abs(correlation(a, c)) < 0.035, "split and foldIn streams correlate");
    assertNotEquals(Random.normal(ks[0], 4), Random.normal(ks[1], 4));
  }

  static double correlation(float[] a, float[] b) {
    double sa = 0;
    double sb = 0;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    int n = a.length;
    for (int i = 0; i < n; i++) {
      sa += a[i];
      sb += b[i];
      sab += (double) a[i] * b[i];
      saa += (double) a[i] * a[i];
      sbb += (double) b[i] * b[i];
    }
    double cov = sab / n - sa / n * sb / n;
    return cov / Math.sqrt((saa / n - sa / n * sa / n) * (sbb / n - sb / n * sb / n));
  }

  @Test
  void negativeSplitIsRejected() {
    var e = assertThrows(IllegalArgumentException.class, () -> Key.of(0).split(-1));
    assertEquals("Key.split: n must be >= 0, got -1", e.getMessage());
  }
}
