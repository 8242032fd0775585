package dev.graft.dsl.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import org.junit.jupiter.api.Test;

/** rsLoRA's {@code α/√r} scale ({@link RsLoRAAdapter}; its laws run in {@link ZooCatalogTest}). */
class ZooRsLoRATest {
  @Test
  void scaleIsAlphaOverRootRank() {
    AdapterConfig config = new AdapterConfig(4, 6.0, 0, Key.of(1));
    assertEquals(3.0, RsLoRAAdapter.create(Linear.create(5, 4, Key.of(2)), config).scale());
    assertEquals(3.0, RsLoRAAdapter.create(Conv2d.create(2, 4, 3, Key.of(2)), config).scale());
    assertEquals(1.5, LoRAAdapter.create(Linear.create(5, 4, Key.of(2)), config).scale());
  }
}
