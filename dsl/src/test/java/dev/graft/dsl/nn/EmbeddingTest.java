package dev.graft.dsl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import org.junit.jupiter.api.Test;

class EmbeddingTest {
  private static final Embedding TABLE =
      new Embedding(Tensor.of(new float[] {0, 1, 10, 11, 20, 21}, 3, 2));

  @Test
  void applyLooksUpRowsForAnyIndexShape() {
    Tensor ids = Tensor.of(new float[] {2, 0, 1, 2}, 2, 2);
    Tensor y = TABLE.apply(ids);
    assertArrayEquals(new int[] {2, 2, 2}, y.shape());
    assertArrayEquals(new float[] {20, 21, 0, 1, 10, 11, 20, 21}, y.toArray());
    assertEquals(Tensor.of(new float[] {10, 11}, 2), TABLE.apply(Tensor.scalar(1)));
  }

  @Test
  void lookupTakesIntIds() {
    assertEquals(Tensor.of(new float[] {10, 11, 10, 11}, 2, 2), TABLE.lookup(1, 1));
    assertEquals(3, TABLE.numEmbeddings());
    assertEquals(2, TABLE.embeddingDim());
  }

  @Test
  void badIndicesAreRefusedWithTheLayerName() {
    IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
        () -> TABLE.lookup(3));
    assertEquals("Embedding: index 3 out of range for 3 embeddings", e.getMessage());
    assertThrows(IndexOutOfBoundsException.class,
        () -> TABLE.apply(Tensor.of(new float[] {-1}, 1)));
    IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
        () -> TABLE.apply(Tensor.of(new float[] {0, 1.5f}, 2)));
    assertTrue(f.getMessage().contains("holds 1.5 at flat position 1, not an integer index"),
        f.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Embedding(Tensor.zeros(3)));
  }

  @Test
  void createDrawsFromAStandardNormalAndCountsAsPyTorch() {
    Embedding e = Embedding.create(200, 50, Key.of(9));
    assertEquals(40, Fixtures.parameterCount(Embedding.create(10, 4, Key.of(1))));
    double mean = Fixtures.mean(e.weight());
    double var = Fixtures.mean(e.weight().square()) - mean * mean;
    assertEquals(0.0, mean, 0.05);
    assertEquals(1.0, var, 0.05);
  }
}
