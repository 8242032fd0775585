package dev.graft.dsl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Clipping by global norm: the norm is over all leaves together and scales every gradient. */
class ClipTest {
  /** Two trainable leaves, so the norm must combine them. */
  record Two(Tensor a, Tensor b) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return x.times(a).plus(b);
    }
  }

  private static Map<Path, Tensor> grads() {
    Map<Path, Tensor> g = new LinkedHashMap<>();
    g.put(Path.of("a"), Tensor.of(new float[] {3, 4}, 2)); // norm 5
    g.put(Path.of("b"), Tensor.of(new float[] {12}, 1)); // together: sqrt(9 + 16 + 144) = 13
    return g;
  }

  @Test
  void globalNormCombinesLeaves() {
    assertEquals(13.0, Clip.globalNorm(grads()), 1e-12);
  }

  @Test
  void byGlobalNormScalesEveryLeafByTheSameFactor() {
    Map<Path, Tensor> c = Clip.byGlobalNorm(grads(), 6.5);
    assertArrayEquals(new float[] {1.5f, 2f}, c.get(Path.of("a")).toArray(), 1e-6f);
    assertArrayEquals(new float[] {6f}, c.get(Path.of("b")).toArray(), 1e-6f);
    assertEquals(6.5, Clip.globalNorm(c), 1e-5);
  }

  @Test
  void belowTheLimitNothingChanges() {
    Map<Path, Tensor> g = grads();
    assertSame(g, Clip.byGlobalNorm(g, 13.5));
  }

  @Test
  void optimizerClipsBeforeUpdating() {
    Net net = Net.of(new Two(Tensor.zeros(2), Tensor.zeros(1)));
    Net clipped = Sgd.of(1.0).withClipNorm(6.5).step(net, grads(), OptState.empty()).net();
    assertArrayEquals(new float[] {-1.5f, -2f}, Tree.leaf(clipped.module(), Path.of("a")).toArray(),
        1e-6f);
    assertArrayEquals(new float[] {-6f}, Tree.leaf(clipped.module(), Path.of("b")).toArray(),
        1e-6f);
    Net loose = Sgd.of(1.0).withClipNorm(100).step(net, grads(), OptState.empty()).net();
    assertArrayEquals(new float[] {-12f}, Tree.leaf(loose.module(), Path.of("b")).toArray(), 0f);
  }

  @Test
  void adamClipsToo() {
    // Adam's first step is lr·sign(g) whatever the scale, so check through the first moment.
    Net net = Net.of(new Two(Tensor.zeros(2), Tensor.zeros(1)));
    OptState s = Adam.of(0.1).withClipNorm(6.5).step(net, grads(), OptState.empty()).state();
    assertArrayEquals(new float[] {0.6f}, s.get("m", Path.of("b")).toArray(), 1e-6f);
  }
}
