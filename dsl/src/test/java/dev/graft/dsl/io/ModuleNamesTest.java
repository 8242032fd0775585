package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static dev.graft.testkit.Theories.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.tree.Path;
import org.junit.jupiter.api.Test;

/** The name mapper between tree paths and PyTorch / PEFT names. */
class ModuleNamesTest {
  @Test
  void dottedAndBackAreInverse() {
    qt().forAll(lists().of(strings().betweenCodePoints('a', 'z').ofLengthBetween(1, 4)
            .mix(integers().between(0, 20).map((Integer i) -> String.valueOf(i)), 30)).ofSizeBetween(0, 6))
        .checkAssert(segments -> {
          Path p = Path.of(segments);
          assertEquals(String.join(".", segments), ModuleNames.dotted(p));
          assertEquals(p, ModuleNames.fromDotted(ModuleNames.dotted(p)));
        });
  }

  @Test
  void examples() {
    assertEquals("encoder.layers.0.weight",
        ModuleNames.dotted(Path.of("encoder/layers/0/weight")));
    assertEquals(Path.of("encoder/layers/0"), ModuleNames.fromDotted("encoder.layers.0"));
    assertEquals(Path.root(), ModuleNames.fromDotted(""));
    assertEquals("base_model.model.encoder.layers.0.lora_A.weight",
        ModuleNames.peftKey(Path.of("encoder/layers/0"), "lora_A.weight"));
    assertEquals("base_model.model.lora_A.weight", ModuleNames.peftKey(Path.root(),
        "lora_A.weight"));
    for (String bad : new String[] {"a..b", ".a", "a.", "a/b.c"}) {
      assertThrows(IllegalArgumentException.class, () -> ModuleNames.fromDotted(bad), bad);
    }
  }

  @Test
  void theBaseRename() {
    Layer tree = Net.of(CheckpointFixtures.mlp(1)).lora(2, 4.0, "layers/1").module();
    assertEquals(Path.of("layers/1/weight"),
        ModuleNames.withoutBase(tree, Path.of("layers/1/base/weight")));
    assertEquals(Path.of("layers/1/loraA"),
        ModuleNames.withoutBase(tree, Path.of("layers/1/loraA")));
    assertEquals(Path.of("layers/0/weight"),
        ModuleNames.withoutBase(tree, Path.of("layers/0/weight")));
    assertEquals("layers.1.base_layer.bias",
        ModuleNames.peftName(tree, Path.of("layers/1/base/bias")));
    assertEquals("layers.0.bias", ModuleNames.peftName(tree, Path.of("layers/0/bias")));
  }
}
