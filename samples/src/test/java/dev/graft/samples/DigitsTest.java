package dev.graft.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.runtime.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The shipped UCI digits: size, labels, the class filter, the rotation and the seeded split. */
class DigitsTest {
  private static final Digits ALL = Digits.load();

  @Test
  void theShippedFileHoldsTheUciTestSet() {
    assertEquals(1797, ALL.size());
    int[] counts = new int[10];
    for (int y : ALL.labels()) {
      counts[y]++;
    }
    assertArrayEquals(new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, counts);
    Tensor images = ALL.images();
    assertArrayEquals(new int[] {1797, 1, 8, 8}, images.shape());
    assertEquals(1f, images.max().item(), "pixels 0..16 scaled to [0, 1]");
    assertEquals(0f, images.minus(images.abs()).abs().max().item(), "no negative pixel");
  }

  @Test
  void classesAreRelabelledFromZero() {
    Digits high = ALL.classes(5, 9);
    assertEquals(182 + 181 + 179 + 174 + 180, high.size());
    assertEquals(4, Arrays.stream(high.labels()).max().orElseThrow());
    assertEquals(0, Arrays.stream(high.labels()).min().orElseThrow());
    assertThrows(IllegalArgumentException.class, () -> ALL.classes(6, 5));
  }

  @Test
  void rotatingFourTimesIsTheIdentity() {
    Digits d = ALL.classes(0, 0);
    Digits r = d.rotated();
    assertNotEquals(d.images(), r.images());
    assertEquals(d.images(), r.rotated().rotated().rotated().images());
    assertArrayEquals(d.labels(), r.labels());
  }

  @Test
  void theSplitIsSeededAndDisjoint() {
    Digits d = ALL.classes(5, 9);
    Digits.Split a = d.split(0.3, 1);
    Digits.Split b = d.split(0.3, 1);
    Digits.Split c = d.split(0.3, 2);
    assertEquals(d.size(), a.train().size() + a.test().size());
    assertEquals(Math.round(d.size() * 0.7), a.train().size());
    assertEquals(a.test().images(), b.test().images());
    assertNotEquals(a.test().images(), c.test().images());
    // Every image lands in exactly one part: the pixel sums of both parts add up to the whole.
    float whole = d.images().sum().item();
    float parts = a.train().images().sum().item() + a.test().images().sum().item();
    assertEquals(whole, parts, 1e-2 * whole / d.size());
    assertThrows(IllegalArgumentException.class, () -> d.split(1.0, 0));
  }
}
