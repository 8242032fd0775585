package dev.graft.dsl.many;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.AdapterSet;
import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.many.ManyFixtures.Kind;
import dev.graft.dsl.nn.Activation;
import dev.graft.dsl.nn.Conv2d;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.nn.Relu;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PiSSA and MiLoRA, trained, converted to the plain LoRA of rank {@code 2r} relative to the
 * original weights: the same forward, saved as an ordinary PEFT LoRA, and loaded by {@code
 * fromPretrained} onto the original model with the same forward again.
 */
class ResidualConversionTest {
  @TempDir
  java.nio.file.Path dir;

  static Stream<Kind> residualKinds() {
    return ManyFixtures.ZOO.stream().filter(k -> k.name().equals("PiSSA")
        || k.name().equals("MiLoRA"));
  }

  static final Mlp MLP = Mlp.create(new int[] {6, 8, 8, 3}, Activation.TANH, Key.of(3));
  static final Sequential CONVS = Sequential.of(Conv2d.create(2, 4, 3, Key.of(5)), new Relu(),
      Conv2d.create(4, 6, 2, Key.of(6)));

  @ParameterizedTest(name = "{0} on Linear")
  @MethodSource("residualKinds")
  void linearConvertsSavesAndLoadsAsPlainLora(Kind kind) throws IOException {
    check(kind, MLP, Random.normal(Key.of(1), 4, 6));
  }

  @ParameterizedTest(name = "{0} on Conv")
  @MethodSource("residualKinds")
  void convConvertsSavesAndLoadsAsPlainLora(Kind kind) throws IOException {
    check(kind, CONVS, Random.normal(Key.of(1), 2, 2, 7, 7));
  }

  private void check(Kind kind, Layer model, Tensor x) throws IOException {
    Net initial = Net.of(model).freeze().lora(ManyFixtures.spec(kind, "^layers/(0|2)$", 1, 6.0));
    Net trained = ManyFixtures.perturbAll(initial, 4);
    Net plain = trained.toPlainLora(initial);
    assertArrayEquals(trained.apply(x).toArray(), plain.apply(x).toArray(), 1e-4f);
    LoraWrapper w = plain.adapters().get(Path.of("layers/0"));
    assertTrue(w instanceof LoRAAdapter || w instanceof LoRAAdapter, w.getClass().getName());
    assertEquals(4, ((Tensor) Tree.get(w, Path.of("loraA"))).dim(0), "rank 2r");

    plain.saveAdapter(dir);
    JsonNode config = new ObjectMapper().readTree(dir.resolve("adapter_config.json").toFile());
    assertEquals("LORA", config.get("peft_type").textValue());
    assertTrue(config.get("init_lora_weights").asBoolean(), config.toString());
    assertEquals(4, config.get("r").intValue());
    Net loaded = Net.fromPretrained(model, dir);
    assertArrayEquals(trained.apply(x).toArray(), loaded.apply(x).toArray(), 1e-4f);
    assertSame(Tree.leaf(model, Path.of("layers/0/weight")),
        Tree.leaf(loaded.module(), Path.of("layers/0/base/weight")), "the original weights");
  }

  @Test
  void aNamedSetKeepsTheOriginalBaseExactly() {
    Kind pissa = ManyFixtures.ZOO.get(4);
    Net initial = Net.of(MLP).freeze().lora("p", ManyFixtures.spec(pissa, "^layers/1$", 2, 4.0))
        .lora("b", ManyFixtures.spec(ManyFixtures.ZOO.get(0), "^layers/1$", 2, 4.0));
    Net trained = ManyFixtures.perturbAll(initial, 8);
    Net plain = trained.toPlainLora(initial);
    AdapterSet set = assertInstanceOf(AdapterSet.class, Tree.get(plain.module(),
        Path.of("layers/1")));
    LoRAAdapter p = assertInstanceOf(LoRAAdapter.class, set.adapters().get("p"));
    assertSame(MLP.layers().get(1), p.base());
    assertSame(SharingPropertyTest.adaptersByName(trained).get("b").get(Path.of("layers/1")),
        set.adapters().get("b"));
    Tensor x = Random.normal(Key.of(2), 3, 6);
    assertArrayEquals(trained.activate("p").apply(x).toArray(),
        plain.activate("p").apply(x).toArray(), 1e-4f);
  }

  @Test
  void theInitialNetMustBeTheOneTrainedFrom() {
    Kind pissa = ManyFixtures.ZOO.get(4);
    Net initial = Net.of(MLP).freeze().lora(ManyFixtures.spec(pissa, "^layers/0$", 2, 4.0));
    Net trained = ManyFixtures.perturbAll(initial, 8);
    Net other = Net.of(Mlp.create(new int[] {6, 8, 8, 3}, Activation.TANH, Key.of(9))).freeze()
        .lora(ManyFixtures.spec(pissa, "^layers/0$", 2, 4.0));
    String m = assertThrows(IllegalArgumentException.class, () -> trained.toPlainLora(other))
        .getMessage();
    assertTrue(m.contains("'layers/0'") && m.contains("differs"), m);
    Net lora = Net.of(MLP).freeze().lora(2, 4.0);
    assertThrows(IllegalArgumentException.class, () -> trained.toPlainLora(lora));
    assertThrows(IllegalArgumentException.class, () -> lora.toPlainLora(lora));
    assertEquals(List.of(AdapterSet.DEFAULT), trained.adapterNames());
  }
}
