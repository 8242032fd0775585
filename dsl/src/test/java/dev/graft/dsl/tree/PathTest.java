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
    Path p = Path.root().child("encoder").child("layers").child(0).child("weight");
    assertEquals("encoder/layers/0/weight", p.toString());
    assertEquals(p, Path.of("encoder/layers/0/weight"));
    assertEquals(List.of("encoder", "layers", "0", "weight"), p.segments());
    assertEquals(Path.of("encoder/layers/0"), p.parent());
    assertEquals("weight", p.name());
    assertEquals(4, p.depth());
    assertEquals("", Path.root().toString());
    assertEquals(Path.root(), Path.of(""));
    assertTrue(Path.root().isRoot());
    assertEquals(Path.of("encoder/layers"), p.prefix(2));
  }

  @Test
  void prefixesAndStartsWith() {
    Path p = Path.of("a/b/c");
    assertEquals(List.of(Path.root(), Path.of("a"), Path.of("a/b"), p), p.prefixes());
    assertTrue(p.startsWith(Path.of("a/b")));
    assertTrue(p.startsWith(Path.root()));
    assertFalse(p.startsWith(Path.of("a/bc")));
    assertFalse(Path.of("a").startsWith(p));
    assertEquals(Path.of("a/b/c/d/e"), p.resolve(Path.of("d/e")));
  }

  @Test
  void ordersNumericSegmentsAsNumbers() {
    List<Path> ps = new ArrayList<>(List.of(Path.of("layers/10"), Path.of("layers/2/w"),
        Path.of("layers"), Path.of("layers/2"), Path.of("a"), Path.of("layers/b")));
    ps.sort(null);
    assertEquals(List.of(Path.of("a"), Path.of("layers"), Path.of("layers/2"),
        Path.of("layers/2/w"), Path.of("layers/10"), Path.of("layers/b")), ps);
    assertTrue(Path.of("x/01").compareTo(Path.of("x/1")) != 0);
  }
}
