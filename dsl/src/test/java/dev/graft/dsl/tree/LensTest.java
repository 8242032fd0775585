package dev.graft.dsl.tree;

import static dev.graft.dsl.tree.TestModules.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.TestModules.Block;
import dev.graft.dsl.tree.TestModules.Dense;
import dev.graft.dsl.tree.TestModules.Seq;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Examples of path, selector, typed and composed lenses. */
class LensTest {
  private final Seq seq = TestModules.sample();

  @Test
  void pathLensReadsAndWrites() {
    Lens<Seq, Tensor> bias = Lens.of(Path.of("layers/0/bias"));
    assertEquals(t(1, 2), bias.get(seq));
    Seq out = bias.set(seq, t(3, 4));
    assertEquals(t(3, 4), ((Dense) out.layers().get(0)).bias());
    assertSame(seq.layers().get(1), out.layers().get(1));
    Seq doubled = bias.modify(seq, b -> Tensor.of(new float[] {2, 4}, 2));
    assertEquals(t(2, 4), bias.get(doubled));
  }

  @Test
  void selectorLensFindsItsTargetInTheTreeItIsGiven() {
    Lens<Seq, Tensor> normWeight = Lens.of(s -> ((Block) s.layers().get(1)).norm().weight());
    Seq out = normWeight.set(seq, t(0, 0, 0));
    assertEquals(t(0, 0, 0), normWeight.get(out));
    assertEquals(t(0, 0, 0), Tree.get(out, Path.of("layers/1/norm/weight")));
    Seq again = normWeight.set(out, t(1, 1, 1));
    assertEquals(t(1, 1, 1), Tree.get(again, Path.of("layers/1/norm/weight")));
  }

  @Test
  void lensesCompose() {
    Lens<Seq, Layer> block = Lens.of(Path.of("layers/1"), Layer.class);
    Lens<Layer, Tensor> fcWeight = Lens.of(Path.of("fc/weight"));
    Lens<Seq, Tensor> both = block.andThen(fcWeight);
    assertSame(Tree.get(seq, Path.of("layers/1/fc/weight")), both.get(seq));
    Seq out = both.set(seq, t(5));
    assertEquals(t(5), Tree.get(out, Path.of("layers/1/fc/weight")));
    assertSame(seq.extras(), out.extras());
    assertTrue(both.toString().contains("layers/1"), both.toString());
  }

  @Test
  void lensFromGetterAndSetterOverPlainValues() {
    Lens<List<Integer>, Integer> head = Lens.of(l -> l.get(0),
        (l, v) -> List.of(v, l.get(1)));
    assertEquals(List.of(9, 2), head.set(List.of(1, 2), 9));
    assertEquals(List.of(2, 2), head.modify(List.of(1, 2), x -> x + 1));
  }
}
