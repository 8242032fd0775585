package dev.graft.dsl.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The standalone {@link LoRA} keeps its {@code α} as given (Edifice's and kizzasi's {@code
 * alpha()}), and offers brainstate's defaults (LeCun-normal factors, no α/r) and Edifice's (rank 8,
 * α 16, α/r).
 */
class LoRAAlphaTest {

  @Test
  void alphaIsKeptExactly() {
    LoRA lora = LoRA.create(9, 3, 5, 0.1, Key.of(1));
    assertEquals(0.1, lora.alpha());                       // not recomputed as (0.1 / 3) · 3
    assertEquals(0.1 / 3, lora.scale());
    assertEquals(LoRA.Scaling.ALPHA_OVER_RANK, lora.scaling());
    // tree operations rebuild the record and keep its static configuration
    LoRA moved = Tree.map(lora, t -> t.plus(1f));
    assertEquals(0.1, moved.alpha());
    assertEquals(List.of(Path.of("loraA"), Path.of("loraB")), Tree.paths(moved));
  }

  @Test
  void edificeDefaults() {
    LoRA lora = LoRA.create(768, 768, Key.of(2));
    assertEquals(8, lora.rank());
    assertEquals(16.0, lora.alpha());
    assertEquals(2.0, lora.scale());
    assertEquals(LoRA.create(768, 8, 768, 16.0, Key.of(2)), lora);
  }

  @Test
  void brainstateDefaultsHaveNoAlphaOverRank() {
    LoRA lora = LoRA.brainstate(10, 2, 5, Key.of(3));
    assertEquals(1.0, lora.alpha());
    assertEquals(1.0, lora.scale());
    assertEquals(LoRA.Scaling.ALPHA, lora.scaling());
    assertNotEquals(Tensor.zeros(5, 2), lora.loraB());    // LeCun-normal, not zero
    assertEquals(LoRA.create(10, 2, 5, 1.0, LoRA.Init.LECUN_NORMAL, Key.of(3)).loraB(),
        lora.loraB());
    Tensor x = Random.normal(Key.of(4), 32, 10);
    assertEquals(x.matmul(lora.loraA(), false, true).matmul(lora.loraB(), false, true),
        lora.apply(x));
    // α/r only when asked
    LoRA asked = LoRA.create(10, 2, 5, 1.0, LoRA.Init.LECUN_NORMAL, LoRA.Scaling.ALPHA_OVER_RANK,
        Key.of(3));
    assertEquals(0.5, asked.scale());
    assertEquals(lora.loraA(), asked.loraA());
  }

  @Test
  void theScaleConstructorKeepsItsMeaning() {
    LoRA lora = new LoRA(Tensor.ones(2, 3), Tensor.ones(4, 2), 2.5);
    assertEquals(2.5, lora.scale());
    assertEquals(2.5, lora.alpha());
    assertThrows(IllegalArgumentException.class,
        () -> new LoRA(Tensor.ones(2, 3), Tensor.ones(4, 2), Double.NaN));
  }
}
