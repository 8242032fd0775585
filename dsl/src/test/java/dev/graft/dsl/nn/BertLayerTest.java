package dev.graft.dsl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autodiff.GradCheck;
import dev.graft.dsl.Net;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BertLayerTest {
  static final long SEED = 7L;

  @Test
  void gradientsOfTheEncoderLayerMatchFiniteDifferences() {
    // Every parameter of a post-LN layer (attention, GELU feed-forward, both LayerNorms) and the
    // input, with a padding mask.
    BertLayer layer = BertLayer.create(4, 2, 6, 1e-5f, Key.of(SEED));
    List<Path> paths = Tree.paths(layer);
    Random rnd = new Random(SEED);
    Tensor x = Fixtures.randn(rnd, 2, 3, 4);
    Tensor mask = SelfAttention.paddingMask(Tensor.of(new float[] {1, 1, 1, 1, 1, 0}, 2, 3));
    List<Tensor> at = new java.util.ArrayList<>();
    at.add(x);
    for (Path p : paths) {
      Tensor leaf = Tree.leaf(layer, p);
      // Move ones and zeros (LayerNorm's init) off their special values.
      at.add(leaf.plus(Fixtures.randn(rnd, leaf.shape()).times(0.3f)));
    }
    GradCheck.assertGradients(p -> {
      BertLayer l = layer;
      for (int i = 0; i < paths.size(); i++) {
        l = Tree.set(l, paths.get(i), p.get(i + 1));
      }
      return l.apply(p.get(0), mask);
    }, at);
  }

  @Test
  void aLayerIsTheHuggingFaceComposition() {
    BertLayer layer = BertLayer.create(8, 2, 16, 1e-12f, Key.of(SEED));
    Tensor x = Fixtures.randn(new Random(SEED), 2, 3, 8);
    SelfAttention self = layer.attention().self();
    Tensor a = layer.attention().output().LayerNorm().apply(
        layer.attention().output().dense().apply(self.apply(x)).plus(x));
    Tensor i = layer.intermediate().dense().apply(a).gelu();
    Tensor want = layer.output().LayerNorm().apply(layer.output().dense().apply(i).plus(a));
    assertEquals(want, layer.apply(x));
  }

  @Test
  void addNormNeedsItsResidual() {
    AddNorm block = AddNorm.create(4, 4, 1e-5f, Key.of(1));
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> block.apply(Tensor.zeros(1, 4)));
    assertTrue(e.getMessage().contains("apply(x, residual)"), e.getMessage());
  }

  @Test
  void treePathsAndCountsOfARandomBert() {
    BertConfig c = new BertConfig(30, 8, 2, 2, 16, 10, 2, 1e-12f);
    Bert bert = Bert.create(c, Key.of(SEED));
    List<String> paths = Tree.paths(bert).stream().map(Path::toString).toList();
    assertEquals(5 + 2 * 16, paths.size());
    assertEquals("embeddings/word_embeddings/weight", paths.get(0));
    assertTrue(paths.contains("encoder/layer/1/attention/output/LayerNorm/weight"));
    assertTrue(paths.contains("encoder/layer/1/output/dense/bias"));
    long perLayer = 4 * (8 * 8 + 8) + 2 * 8 + (8 * 16 + 16) + (16 * 8 + 8) + 2 * 8;
    assertEquals(30 * 8 + 10 * 8 + 2 * 8 + 2 * 8 + 2 * perLayer, Net.of(bert).totalCount());
    Tensor ids = Tensor.of(new float[] {1, 2, 3, 4}, 1, 4);
    assertEquals(List.of(1, 4, 8), java.util.Arrays.stream(bert.apply(ids).shape()).boxed()
        .toList());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> bert.encode(ids, Tensor.ones(1, 3)));
    assertTrue(e.getMessage().contains("(1, 3)"), e.getMessage());
    Tensor tooLong = Tensor.ones(1, 11);
    e = assertThrows(IllegalArgumentException.class, () -> bert.encode(tooLong, tooLong));
    assertTrue(e.getMessage().contains("11 tokens") && e.getMessage().contains("10 positions"),
        e.getMessage());
  }

  @Test
  void meanPoolingIgnoresPaddingAndNormalizingGivesUnitRows() {
    Tensor h = Tensor.of(new float[] {1, 2, 3, 4, 100, 100, 5, 6, 7, 8, 9, 10}, 2, 3, 2);
    Tensor mask = Tensor.of(new float[] {1, 1, 0, 1, 1, 1}, 2, 3);
    Tensor mean = Pooling.mean(h, mask);
    assertEquals(Tensor.of(new float[] {2, 3, 7, 8}, 2, 2), mean);
    Tensor unit = Pooling.l2Normalize(mean);
    assertTrue(unit.norm(new int[] {1}, false).allClose(Tensor.ones(2), 1e-6, 1e-6));
    assertEquals(Tensor.zeros(1, 3), Pooling.l2Normalize(Tensor.zeros(1, 3)));
    assertThrows(IllegalArgumentException.class, () -> Pooling.mean(h, Tensor.ones(2, 2)));
  }
}
