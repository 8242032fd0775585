package dev.graft.dsl.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.nn.Conv;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** IA3's scaling of weight and bias ({@link IA3Adapter}; laws in {@link ZooCatalogTest}). */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class ZooIA3Test {
  @Test
  void linearScalesRowsAndBiasByHand() {
    Linear base = new Linear(Tensor.of(new float[] {1, 2, 3, 4}, 2, 2),
        Tensor.of(new float[] {1, -1}, 2));
    IA3Adapter ia3 = new IA3Adapter(base, Tensor.of(new float[] {2, 3}, 2));
    Tensor x = Tensor.of(new float[] {1, 1}, 1, 2);
    // base: (1+2+1, 3+4-1) = (4, 6); scaled: (8, 18)
    assertEquals(Tensor.of(new float[] {8, 18}, 1, 2), ia3.apply(x));
    Linear merged = (Linear) ia3.merge();
    assertEquals(Tensor.of(new float[] {2, 4, 9, 12}, 2, 2), merged.weight());
    assertEquals(Tensor.of(new float[] {2, -3}, 2), merged.bias());
    assertEquals(ia3.apply(x), merged.apply(x));
  }

  @Test
  void convScalesChannelsAndBiasByHand() {
    // two output channels, kernel (2, 1, 1): channel 0 weight 1, channel 1 weight 2; bias (1, 1)
    Conv base = new Conv(Tensor.of(new float[] {1, 2}, 2, 1, 1),
        Tensor.of(new float[] {1, 1}, 2), new int[] {1}, new int[] {0}, new int[] {1}, 1);
    IA3Adapter ia3 = new IA3Adapter(base, Tensor.of(new float[] {3, -1}, 2));
    Tensor x = Tensor.of(new float[] {1, 2}, 1, 1, 2);
    // base: ch0 (2, 3), ch1 (3, 5); scaled: (6, 9), (-3, -5)
    assertEquals(Tensor.of(new float[] {6, 9, -3, -5}, 1, 2, 2), ia3.apply(x));
    Conv merged = (Conv) ia3.merge();
    assertEquals(Tensor.of(new float[] {3, -2}, 2, 1, 1), merged.weight());
    assertEquals(Tensor.of(new float[] {3, -1}, 2), merged.bias());
  }

  @Test
  void noBiasStaysNoBiasAndRankIsIgnored() {
    Linear base = Linear.create(3, 2, false, Key.of(1));
    IA3Adapter ia3 = (IA3Adapter) IA3Linear.FACTORY.create(base,
        new AdapterConfig(0, Double.MAX_VALUE, 0, Key.of(2)));
    assertEquals(Tensor.ones(2), ia3.ia3L());
    assertNull(((Linear) ia3.merge()).bias());
  }

  @Test
  void wrongScaleShapeIsRefusedNamingTheAdapter() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new IA3Adapter(Linear.create(3, 2, Key.of(1)), Tensor.ones(3)));
    assertTrue(e.getMessage().contains("IA3") && e.getMessage().contains("(2,)"),
        e.getMessage());
  }
}
