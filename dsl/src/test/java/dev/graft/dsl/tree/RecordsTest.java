package dev.graft.dsl.tree;

import static dev.graft.dsl.tree.TestModules.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.TestModules.Block;
import dev.graft.dsl.tree.TestModules.Dense;
import dev.graft.dsl.tree.TestModules.Relu;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The generic record mechanism behind {@link Layer#children()} and {@code withChildren}. */
class RecordsTest {
  private final Block block = new Block(new Dense(t(1), null), new Dense(t(2), t(3)), 7, "b",
      new float[] {1f}, UnaryOperator.identity());

  @Test
  void childrenAreTheTreeComponentsInOrder() {
    Map<String, Object> kids = block.children();
    assertEquals(List.of("fc", "norm"), List.copyOf(kids.keySet()));
    assertSame(block.fc(), kids.get("fc"));
    assertEquals(List.of("weight"), List.copyOf(new Dense(t(1), null).children().keySet()));
    assertTrue(new Relu().children().isEmpty());
  }

  @Test
  void withChildrenKeepsStaticConfigAndUnnamedChildren() {
    Dense other = new Dense(t(9), null);
    Block out = (Block) block.withChildren(Map.of("fc", other));
    assertSame(other, out.fc());
    assertSame(block.norm(), out.norm());
    assertEquals(7, out.width());
    assertSame(block.scales(), out.scales());
    assertSame(block.act(), out.act());
  }

  @Test
  void withChildrenChecksNamesAndTypes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> block.withChildren(Map.of("width", t(1))));
    assertTrue(e.getMessage().contains("no child component 'width'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> block.withChildren(Map.of("norm", new Relu())));
    assertTrue(e.getMessage().contains("declared as Dense, found a Relu"), e.getMessage());
    Layer lambda = x -> x;
    assertSame(lambda, lambda.withChildren(Map.of()));
    assertThrows(IllegalArgumentException.class, () -> lambda.withChildren(Map.of("w", t(1))));
  }

  @Test
  void anEnumModuleHasNoChildren() {
    assertTrue(Act.RELU.children().isEmpty());
    assertEquals(List.of(), Tree.paths(Act.RELU));
  }

  /** An activation written as an enum. */
  enum Act implements Layer {
    RELU;

    @Override
    public Tensor apply(Tensor x) {
      return x;
    }
  }
}
