package dev.graft.dsl.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.dsl.Net;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LoRA-FA ({@link LoRAFAAdapter}; laws in {@link ZooCatalogTest}): only {@code B} trains. */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class ZooLoRAFATest {
  @Test
  void aIsLoRAsInitAndStaysFrozenInNet() {
    Linear base = Linear.create(6, 4, Key.of(3));
    AdapterConfig config = new AdapterConfig(2, 4.0, 0, Key.of(9));
    LoRAFAAdapter fa = LoRAFAAdapter.create(base, config);
    assertEquals(LoRAAdapter.create(base, config).loraA(), fa.loraA());
    Net net = Net.of(ZooLaws.model(base)).freeze()
        .lora(LoraSpec.builder().rank(2).wrappers(List.of(LoRAFALinear.FACTORY)).build());
    assertEquals(List.of(Path.of("layers/0/loraB")), net.trainablePaths());
    assertEquals(2, Tree.leaf(net.module(), Path.of("layers/0/loraA")).dim(0));
  }
}
