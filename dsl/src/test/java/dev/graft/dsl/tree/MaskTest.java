package dev.graft.dsl.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.TestModules.Seq;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Examples of choosing leaves with masks. */
class MaskTest {
  private final Seq seq = TestModules.sample();

  private static List<String> strings(Set<Path> paths) {
    List<String> out = new ArrayList<>();
    paths.forEach(p -> out.add(p.toString()));
    return out;
  }

  @Test
  void regexMatchesTheWholePath() {
    assertEquals(List.of("layers/0/bias", "layers/1/norm/bias"),
        strings(Mask.regex(".*/bias").resolve(seq)));
    assertTrue(Mask.regex("bias").resolve(seq).isEmpty());
    assertEquals(List.of("layers/1/fc/weight", "layers/1/norm/weight", "layers/1/norm/bias"),
        strings(Mask.regex("layers/1/.*").resolve(seq)));
  }

  @Test
  void explicitPathsSelectLeavesOrWholeNodesInTreeOrder() {
    assertEquals(List.of("layers/1/norm/weight", "layers/1/norm/bias", "buffers/0"),
        strings(Mask.of("buffers/0", "layers/1/norm").resolve(seq)));
    assertEquals(List.of("extras/alpha"), strings(Mask.of(Path.of("extras/alpha")).resolve(seq)));
  }

  @Test
  void predicatesAndAlgebra() {
    Mask matrices = Mask.where((p, t) -> t.ndim() == 2);
    assertEquals(List.of("layers/0/weight", "layers/1/fc/weight", "layers/1/norm/weight"),
        strings(matrices.resolve(seq)));
    assertEquals(List.of("layers/0/weight", "layers/1/fc/weight"),
        strings(matrices.and(Mask.of("layers/1/norm").not()).resolve(seq)));
    assertEquals(List.of("layers/0/weight", "layers/1/fc/weight", "layers/1/norm/weight",
        "extras/zeta"), strings(matrices.or(Mask.regex(".*zeta")).resolve(seq)));
    assertEquals(9, Mask.all().resolve(seq).size());
    assertTrue(Mask.none().resolve(seq).isEmpty());
    assertTrue(matrices.test(Path.of("x"), TestModules.m(2, 2, 0)));
    assertFalse(matrices.test(Path.of("x"), TestModules.t(1)));
  }

  @Test
  void describesHowItWasBuilt() {
    assertEquals("(regex(encoder/.*) & !of[encoder/norm])",
        Mask.regex("encoder/.*").and(Mask.of("encoder/norm").not()).toString());
  }
}
