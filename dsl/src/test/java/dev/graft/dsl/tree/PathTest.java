package dev.graft.dsl.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Examples of building, printing and ordering paths. */
class PathTest {
  @Test
  void buildsAndPrintsSlashJoined() {
    KeyPath p = KeyPath.root().child("encoder").child("layers").child(0).child("weight");
    assertEquals("encoder/layers/0/weight", p.toString());
    assertEquals(p, KeyPath.of("encoder/layers/0/weight"));
    assertEquals(List.of("encoder", "layers", "0", "weight"), p.segments());
    assertEquals(KeyPath.of("encoder/layers/0"), p.parent());
    assertEquals("weight", p.name());
    assertEquals(4, p.depth());
    assertEquals("", KeyPath.root().toString());
    assertEquals(KeyPath.root(), KeyPath.of(""));
    assertTrue(KeyPath.root().isRoot());
    assertEquals(KeyPath.of("encoder/layers"), p.prefix(2));
  }

  @Test
  void prefixesAndStartsWith() {
    KeyPath p = KeyPath.of("a/b/c");
    assertEquals(List.of(KeyPath.root(), KeyPath.of("a"), KeyPath.of("a/b"), p), p.prefixes());
    assertTrue(p.startsWith(KeyPath.of("a/b")));
    assertTrue(p.startsWith(KeyPath.root()));
    assertFalse(p.startsWith(KeyPath.of("a/bc")));
    assertFalse(KeyPath.of("a").startsWith(p));
    assertEquals(KeyPath.of("a/b/c/d/e"), p.resolve(KeyPath.of("d/e")));
  }

  @Test
  void ordersNumericSegmentsAsNumbers() {
    List<KeyPath> ps = new ArrayList<>(List.of(KeyPath.of("layers/10"), KeyPath.of("layers/2/w"),
        KeyPath.of("layers"), KeyPath.of("layers/2"), KeyPath.of("a"), KeyPath.of("layers/b")));
    ps.sort(null);
    assertEquals(List.of(KeyPath.of("a"), KeyPath.of("layers"), KeyPath.of("layers/2"),
        KeyPath.of("layers/2/w"), KeyPath.of("layers/10"), KeyPath.of("layers/b")), ps);
    assertTrue(KeyPath.of("x/01").compareTo(KeyPath.of("x/1")) != 0);
  }
}
