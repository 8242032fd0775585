package dev.graft.dsl.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autodiff.GradCheck;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The standalone {@link LoRA}: forward by hand, both initializers, delta, gradients, checks. */
class LoRATest {

  @Test
  void forwardByHand() {
    // A (1, 2) = [1, 2], B (2, 1) = [3, -1], s = 2; x = [1, 1]: x Aᵀ = 3, then (9, -3), then ×2
    LoRA lora = new LoRA(Tensor.of(new float[] {1, 2}, 1, 2), Tensor.of(new float[] {3, -1}, 2, 1),
        2.0);
    assertEquals(Tensor.of(new float[] {18, -6}, 1, 2),
        lora.apply(Tensor.of(new float[] {1, 1}, 1, 2)));
    // a batch of two rows and an unbatched vector
    assertEquals(Tensor.of(new float[] {6, -2, 0, 0}, 2, 2),
        lora.apply(Tensor.of(new float[] {1, 0, 2, -1}, 2, 2)));
    assertEquals(Tensor.of(new float[] {12, -4}, 2), lora.apply(Tensor.of(new float[] {0, 1}, 2)));
  }

  @Test
  void defaultInitIsLoRAsAndStartsAtZero() {
    Key key = Key.of(4);
    LoRA lora = LoRA.create(9, 3, 5, 12.0, key);
    assertArrayEquals(new int[] {3, 9}, lora.loraA().shape());
    assertEquals(Tensor.zeros(5, 3), lora.loraB());
    assertEquals(4.0, lora.scale());
    assertTrue(ZooLaws.maxAbs(lora.loraA()) <= 1 / Math.sqrt(9));
    assertTrue(ZooLaws.maxAbs(lora.loraA()) > 0.5 / Math.sqrt(9));
    // the same A as a LoRA adapter built from the same key
    assertEquals(LoRAAdapter.create(Linear.create(9, 5, Key.of(1)),
        new AdapterConfig(3, 12.0, 0, key)).loraA(), lora.loraA());
    assertEquals(Tensor.zeros(2, 5), lora.apply(Random.normal(Key.of(5), 2, 9)));
  }

  @Test
  void lecunNormalInitOnBothFactors() {
    int in = 400;
    int r = 50;
    int out = 300;
    LoRA lora = LoRA.create(in, r, out, 1.0, LoRA.Init.LECUN_NORMAL, Key.of(6));
    assertEquals(1.0 / r, lora.scale());
    assertStd(lora.loraA(), 1 / Math.sqrt(in));
    assertStd(lora.loraB(), 1 / Math.sqrt(r));
    assertNotEquals(LoRA.create(in, r, out, 1.0, LoRA.Init.LECUN_NORMAL, Key.of(7)).loraA(),
        lora.loraA());
  }

  private static void assertStd(Tensor t, double expected) {
    double sum = 0;
    double sq = 0;
    float[] v = t.toArray();
    for (float x : v) {
      sum += x;
      sq += x * x;
      assertTrue(Math.abs(x) <= 2 * expected / 0.87962566103423978 + 1e-6, "truncated: " + x);
    }
    double mean = sum / v.length;
    double std = Math.sqrt(sq / v.length - mean * mean);
    assertEquals(expected, std, 0.05 * expected, "std of " + t);
    assertEquals(0, mean, 0.05 * expected, "mean of " + t);
  }

  @Test
  void deltaIsTheSameComputationAsApply() {
    LoRA lora = Tree.update(LoRA.create(6, 2, 4, 3.0, Key.of(8)), Path.of("loraB"),
        b -> Random.normal(Key.of(9), 4, 2));
    Tensor x = Random.normal(Key.of(10), 3, 2, 6);
    assertEquals(lora.apply(x), LoRA.delta(x, lora.loraA(), lora.loraB(), lora.scale()));
    // against s·x Aᵀ Bᵀ formed densely
    Tensor dense = x.matmul(lora.loraB().matmul(lora.loraA()), false, true).times(1.5f);
    ZooLaws.assertClose(dense, lora.apply(x), 1e-5, "delta vs dense");
  }

  @Test
  void isATreeWhoseLeavesTrain() {
    LoRA lora = LoRA.create(6, 2, 4, 3.0, LoRA.Init.LECUN_NORMAL, Key.of(11));
    assertEquals(List.of(Path.of("loraA"), Path.of("loraB")), Tree.paths(lora));
    Tensor x = Random.normal(Key.of(12), 3, 6);
    GradCheck.assertGradients(p -> new LoRA(p.get(0), p.get(1), lora.scale()).apply(x),
        List.of(lora.loraA(), lora.loraB()));
  }

  @Test
  void badArgumentsAreRefusedNamingLoRA() {
    var rank = assertThrows(IllegalArgumentException.class,
        () -> LoRA.create(4, 0, 3, 1.0, Key.of(1)));
    assertTrue(rank.getMessage().startsWith("LoRA: rank"), rank.getMessage());
    var lecunRank = assertThrows(IllegalArgumentException.class,
        () -> LoRA.create(4, 0, 3, 1.0, LoRA.Init.LECUN_NORMAL, Key.of(1)));
    assertTrue(lecunRank.getMessage().startsWith("LoRA: rank"), lecunRank.getMessage());
    var size = assertThrows(IllegalArgumentException.class,
        () -> LoRA.create(0, 2, 3, 1.0, Key.of(1)));
    assertTrue(size.getMessage().contains("in=0"), size.getMessage());
    var shapes = assertThrows(IllegalArgumentException.class,
        () -> new LoRA(Tensor.zeros(2, 4), Tensor.zeros(3, 1), 1.0));
    assertTrue(shapes.getMessage().contains("(2, 4)") && shapes.getMessage().contains("(3, 1)"),
        shapes.getMessage());
    var input = assertThrows(IllegalArgumentException.class,
        () -> LoRA.create(4, 2, 3, 1.0, Key.of(1)).apply(Tensor.zeros(2, 5)));
    assertTrue(input.getMessage().contains("(2, 5)") && input.getMessage().contains("4"),
        input.getMessage());
  }
}
