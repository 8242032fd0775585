package dev.graft.dsl;

import dev.graft.dsl.tree.Layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.tree.Mask;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code Mask.regex}, {@code Mask.modules}, {@code LoraSpec.target} and {@code
 * LoraSpec.targetModules} pick paths by one rule: a regex matches a whole path (or an ancestor's),
 * slash-joined or dotted; module names match path suffixes segment by segment (PEFT's list rule).
 */
class TargetMatchingTest {
  record Attention(Layer query, Layer key, Layer value, Layer queryProj) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return query.apply(x).plus(key.apply(x)).plus(value.apply(x)).plus(queryProj.apply(x));
    }
  }

  record Block(Layer attention, Layer dense) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return dense.apply(attention.apply(x).tanh());
    }
  }

  record Encoder(List<Layer> layer) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      Tensor h = x;
      for (Layer m : layer) {
        h = m.apply(h);
      }
      return h;
    }
  }

  record Bert(Layer encoder, Layer pooler) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return pooler.apply(encoder.apply(x));
    }
  }

  /** Twelve layers, so that {@code layer/1} and {@code layer/10} both exist. */
  static Bert bert() {
    Key k = Key.of(1);
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Key[] s = k.foldIn(i).split(5);
      layers.add(new Block(new Attention(Linear.create(4, 4, s[0]), Linear.create(4, 4, s[1]),
          Linear.create(4, 4, s[2]), Linear.create(4, 4, s[3])), Linear.create(4, 4, s[4])));
    }
    return new Bert(new Encoder(layers), Linear.create(4, 2, k.foldIn(99)));
  }

  private static Set<String> wrapped(Net net) {
    Set<String> out = new LinkedHashSet<>();
    for (Path p : net.adapters().keySet()) {
      out.add(p.toString());
    }
    return out;
  }

  /** The layers (nodes holding a weight) whose leaves the mask picks. */
  private static Set<String> layersOf(Mask mask, Layer tree) {
    Set<String> out = new LinkedHashSet<>();
    for (Path p : mask.resolve(tree)) {
      out.add(p.parent().toString());
    }
    return out;
  }

  private static Set<String> attention(String... names) {
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < 12; i++) {
      for (String n : names) {
        out.add("encoder/layer/" + i + "/attention/" + n);
      }
    }
    return out;
  }

  @Test
  void peftModuleNamesPickLayersBySuffix() {
    Net net = Net.of(bert()).freeze().lora(8, 16.0, Mask.modules("query", "value"));
    Set<String> expected = new LinkedHashSet<>();
    for (int i = 0; i < 12; i++) {
      expected.add("encoder/layer/" + i + "/attention/query");
      expected.add("encoder/layer/" + i + "/attention/value");
    }
    assertEquals(expected, wrapped(net));                  // queryProj is not a 'query' module
    assertEquals(expected, wrapped(Net.of(bert()).freeze()
        .lora(LoraSpec.modules(8, 16.0, "query", "value"))));
    assertEquals(expected, layersOf(Mask.modules("query", "value"), bert()));
    // several segments, written with dots or slashes
    assertEquals(Set.of("encoder/layer/3/attention/key"),
        wrapped(Net.of(bert()).lora(LoraSpec.modules(2, 4.0, "3.attention.key"))));
    assertEquals(Set.of("encoder/layer/3/attention/key"),
        layersOf(Mask.modules("3/attention/key"), bert()));
  }

  @Test
  void dottedRegexesAsD9dAndPeftWriteThem() {
    String regex = ".*attention\\.q.*";
    Set<String> expected = attention("query", "queryProj");
    assertEquals(expected, wrapped(Net.of(bert()).lora(LoraSpec.of(2, 4.0, regex))));
    assertEquals(expected, layersOf(Mask.regex(regex), bert()));
    // PEFT's string target_modules is a full match on the dotted name
    String full = "encoder\\.layer\\.\\d+\\.attention\\.(query|value)";
    assertEquals(attention("query", "value"),
        wrapped(Net.of(bert()).lora(LoraSpec.of(2, 4.0, full))));
    assertEquals(attention("query", "value"), layersOf(Mask.regex(full), bert()));
  }

  @Test
  void aRegexMatchesWholePathsOrAncestorsNeverPartOfASegment() {
    Bert bert = bert();
    // an ancestor's whole path: every layer under it
    assertEquals(Set.of("encoder/layer/1/attention/query", "encoder/layer/1/attention/key",
        "encoder/layer/1/attention/value", "encoder/layer/1/attention/queryProj",
        "encoder/layer/1/dense"), wrapped(Net.of(bert).lora(2, 4.0, "encoder/layer/1")));
    // the same rule for masks: layer/1 is not layer/10 or layer/11 (a search would find those)
    assertEquals(wrapped(Net.of(bert).lora(2, 4.0, "encoder/layer/1")),
        layersOf(Mask.regex("encoder/layer/1"), bert));
    // not a search: a middle or partial segment alone matches nothing
    assertThrows(IllegalArgumentException.class, () -> Net.of(bert).lora(2, 4.0, "layer/1"));
    assertTrue(Mask.regex("layer").resolve(bert).isEmpty());
    assertTrue(Mask.regex("bias").resolve(bert).isEmpty());
    assertEquals(attention("query", "queryProj"), layersOf(Mask.regex(".*query.*"), bert));
    assertEquals(Set.of("pooler"), wrapped(Net.of(bert).lora(2, 4.0, "pooler")));
  }

  @Test
  void targetAndModulesTogetherMustBothHold() {
    LoraSpec spec = LoraSpec.builder().rank(2).alpha(4.0).target("encoder/layer/[01]")
        .addTargetModules("value").build();
    assertEquals(Set.of("encoder/layer/0/attention/value", "encoder/layer/1/attention/value"),
        wrapped(Net.of(bert()).lora(spec)));
    // the mask of lora(rank, alpha, mask) intersects a pending mask
    Net net = Net.of(bert()).mask(Mask.regex("encoder/layer/2")).lora(2, 4.0,
        Mask.modules("key"));
    assertEquals(Set.of("encoder/layer/2/attention/key"), wrapped(net));
  }

  @Test
  void badModuleNamesAreRefused() {
    var empty = assertThrows(IllegalArgumentException.class, () -> Mask.modules());
    assertTrue(empty.getMessage().contains("Mask.modules"), empty.getMessage());
    var segment = assertThrows(IllegalArgumentException.class,
        () -> Mask.modules("attention..query"));
    assertTrue(segment.getMessage().contains("attention..query"), segment.getMessage());
    var spec = assertThrows(IllegalArgumentException.class,
        () -> LoraSpec.modules(2, 4.0, "query."));
    assertTrue(spec.getMessage().contains("targetModules") && spec.getMessage().contains("query."),
        spec.getMessage());
    var none = assertThrows(IllegalArgumentException.class,
        () -> Net.of(bert()).lora(LoraSpec.modules(2, 4.0, "output")));
    assertTrue(none.getMessage().contains("modules [output]"), none.getMessage());
  }

  @Test
  void leavesOfTheTreeFollowTheSameRule() {
    Bert bert = bert();
    for (Path leaf : Tree.paths(bert)) {
      boolean underQuery = leaf.toString().contains("/query/");
      assertEquals(underQuery, Mask.modules("query").test(leaf, Tree.leaf(bert, leaf)), leaf
          + "");
      assertEquals(underQuery, Mask.regex(".*\\.query").test(leaf, Tree.leaf(bert, leaf)), leaf
          + "");
    }
  }
}
