package dev.graft.dsl.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Relu;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.tree.Mask;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A step over many leaves (enough parameters for the stepper to split them across threads) gives
 * every leaf, bit for bit, what stepping that leaf alone gives, for each optimizer, with and
 * without clipping, over two steps (so the state slots are read back too).
 */
class ParallelStepTest {
  private static Net net() {
    Key[] keys = Key.of(3).split(8);
    List<Layer> layers = new ArrayList<>();
    for (Key k : keys) {
      layers.add(Linear.create(96, 96, k));
      layers.add(new Relu());
    }
    return Net.of(new Sequential(layers)); // 8 × (96·96 + 96) = 74 496 trainable parameters
  }

  private static Map<Path, Tensor> grads(Net net, int seed) {
    Map<Path, Tensor> g = new LinkedHashMap<>();
    int i = 0;
    for (Path p : net.trainablePaths()) {
      g.put(p, Random.normal(Key.of(seed).foldIn(i++), Tree.leaf(net.module(), p).shape()));
    }
    return g;
  }

  /** Two steps of {@code opt} on every leaf at once, compared with two steps per single leaf. */
  private static void sameAsOneLeafAtATime(Optimizer opt) {
    Net net = net();
    Map<Path, Tensor> g1 = grads(net, 1);
    Map<Path, Tensor> g2 = grads(net, 2);
    Step<Net> s1 = opt.step(net, g1, OptState.empty());
    Step<Net> s2 = opt.step(s1.net(), g2, s1.state());
    // Clipping uses the global norm of all leaves: apply it to the reference's gradients by hand.
    Optimizer plain = opt.withClipNorm(Double.POSITIVE_INFINITY);
    Map<Path, Tensor> r1 = clipped(g1, opt.clipNorm());
    Map<Path, Tensor> r2 = clipped(g2, opt.clipNorm());
    for (Path p : net.trainablePaths()) {
      Net alone = net.freeze().unfreeze(Mask.of(p));
      Step<Net> a1 = plain.step(alone, Map.of(p, r1.get(p)), OptState.empty());
      Step<Net> a2 = plain.step(a1.net(), Map.of(p, r2.get(p)), a1.state());
      assertArrayEquals(Tree.leaf(a2.net().module(), p).toArray(),
          Tree.leaf(s2.net().module(), p).toArray(), 0f, opt + ": " + p);
      for (String slot : a2.state().slotNames()) {
        assertArrayEquals(a2.state().get(slot, p).toArray(), s2.state().get(slot, p).toArray(),
            0f, opt + ": slot " + slot + " of " + p);
      }
    }
    assertTrue(net.trainableCount() >= 65_536, "too small to take the parallel path");
  }

  private static Map<Path, Tensor> clipped(Map<Path, Tensor> g, double maxNorm) {
    if (maxNorm == Double.POSITIVE_INFINITY) {
      return g;
    }
    double sumSq = 0;
    for (Tensor t : g.values()) {
      sumSq += Clip.sumOfSquares(t.toArray());
    }
    float scale = (float) Clip.scale(Math.sqrt(sumSq), maxNorm);
    Map<Path, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<Path, Tensor> e : g.entrySet()) {
      float[] a = e.getValue().toArray();
      for (int i = 0; i < a.length; i++) {
        a[i] *= scale;
      }
      out.put(e.getKey(), Tensor.adopt(a, e.getValue().shape()));
    }
    return out;
  }

  @Test
  void adamW() {
    sameAsOneLeafAtATime(AdamW.of(1e-2));
  }

  @Test
  void adamWithClipping() {
    sameAsOneLeafAtATime(Adam.of(1e-2).withWeightDecay(0.1).withClipNorm(0.5));
  }

  @Test
  void sgdWithMomentum() {
    sameAsOneLeafAtATime(Sgd.of(1e-2).withMomentum(0.9));
  }
}
