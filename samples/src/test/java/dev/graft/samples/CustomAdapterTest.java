package dev.graft.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import dev.graft.dsl.lora.AdapterConfig;
import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.nn.Embedding;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The user-written {@link EmbeddingLoRA}, plugged in through {@code AdapterFactory} and {@code
 * LoraSpec.wrappers} next to the zoo's LoRA: it wraps the table, starts as the identity, trains
 * only its factors, learns, and merges into a plain table with the same outputs.
 */
class CustomAdapterTest {
  private static final Tensor IDS = Tensor.of(new float[] {0, 3, 3, 19, 7, 0}, 2, 3);

  @Test
  void theSpecWrapsTheTableWithTheUsersAdapterAndTheLinearWithTheZoos() {
    Net net = Net.of(CustomAdapter.model()).freeze().lora(CustomAdapter.spec());
    assertInstanceOf(EmbeddingLoRA.class, Tree.get(net.module(), Path.of("layers/0")));
    assertInstanceOf(LoRAAdapter.class, Tree.get(net.module(), Path.of("layers/1")));
    assertEquals(List.of(Path.of("layers/0/loraA"), Path.of("layers/0/loraB"),
        Path.of("layers/1/loraA"), Path.of("layers/1/loraB")), net.trainablePaths());
    assertEquals(2 * (20 + 8) + 2 * (8 + 1), net.trainableCount());
    assertEquals(CustomAdapter.model().apply(IDS), net.apply(IDS), "identity at start");
  }

  @Test
  void withoutTheUsersFactoryTheTableIsLeftAlone() {
    Net net = Net.of(CustomAdapter.model()).freeze().lora(LoraSpec.of(2, 4.0));
    assertInstanceOf(Embedding.class, Tree.get(net.module(), Path.of("layers/0")));
  }

  @Test
  void trainingLearnsAndMergingKeepsTheOutputs() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Net trained = CustomAdapter.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String printed = bytes.toString(StandardCharsets.UTF_8);
    String[] mse = printed.lines().filter(l -> l.startsWith("mse ")).findFirst().orElseThrow()
        .split(" ");
    assertTrue(Double.parseDouble(mse[3]) < Double.parseDouble(mse[1]) / 100, printed);

    EmbeddingLoRA table = (EmbeddingLoRA) Tree.get(trained.module(), Path.of("layers/0"));
    assertNotEquals(Tensor.zeros(20, 2), table.loraA(), "A moved away from zero");
    Net merged = trained.merge();
    Embedding plain = assertInstanceOf(Embedding.class, Tree.get(merged.module(),
        Path.of("layers/0")));
    assertInstanceOf(Linear.class, Tree.get(merged.module(), Path.of("layers/1")));
    assertTrue(table.apply(IDS).allClose(plain.apply(IDS), 1e-5, 1e-5));
    assertTrue(merged.apply(IDS).allClose(trained.apply(IDS), 1e-5, 1e-5));
    assertEquals(trained.module(), merged.unmerge().module(), "unmerge restores the adapters");
  }

  @Test
  void aRankLargerThanTheTableIsRefusedWithItsPath() {
    Embedding e = Embedding.create(4, 3, Key.of(0));
    assertThrows(IllegalArgumentException.class,
        () -> EmbeddingLoRA.create(e, new AdapterConfig(4, 8.0, 0.0, Key.of(1))));
    LoraSpec tooBig = LoraSpec.builder().rank(9).alpha(9.0)
        .wrappers(List.of(EmbeddingLoRA.FACTORY)).build();
    IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
        () -> Net.of(CustomAdapter.model()).lora(tooBig));
    assertTrue(thrown.getMessage().contains("layers/0"), thrown.getMessage());
    assertTrue(thrown.getMessage().contains("rank 9 exceeds min(num, dim) = 8"),
        thrown.getMessage());
  }
}
