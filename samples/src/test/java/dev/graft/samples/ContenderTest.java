package dev.graft.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link DigitsCnn}'s Javadoc promises: every contender takes every layer of the network at
 * ranks 1, 2, 4, 8 and 16, starts equal to the network it adapts, trains exactly the ZOO.md count
 * plus the head, and leaves the head unwrapped but trainable.
 */
class ContenderTest {
  private static final DigitsCnn CNN = DigitsCnn.create(5, Key.of(11));
  private static final Tensor X = Random.uniform(Key.of(12), 0f, 1f, 6, 1, 8, 8);
  /** (out, flat_in) of conv1, conv2, fc. */
  /** {out, in, is a conv} of conv1, conv2 and fc. */
  private static final int[][] LAYERS = {{16, 16, 1}, {32, 144, 1}, {64, 512, 0}};
  private static final long HEAD = 64 * 5 + 5;

  @Test
  void everyContenderAdaptsEveryLayerAtEveryAdvertisedRank() {
    for (int r : new int[] {1, 2, 4, 8, 16}) {
      for (Contender c : Contender.ALL) {
        String what = c.name() + " at rank " + r;
        Net net = c.prepare(Net.of(CNN), r, 2.0 * r, 0);
        assertEquals(expectedTrainable(c, r), net.trainableCount(), what);
        float gap = net.apply(X).maxAbsDiff(CNN.apply(X));
        assertTrue(gap < 1e-4, what + ": starts " + gap + " away from the network it adapts");
        if (c.adapts()) {
          assertEquals(List.of(Path.of("conv1"), Path.of("conv2"), Path.of("fc")),
              List.copyOf(net.adapters().keySet()), what);
          assertTrue(!(Tree.get(net.module(), Path.of("head")) instanceof LoraWrapper), what);
        }
        assertTrue(net.trainablePaths().contains(Path.of("head/weight")), what);
      }
    }
  }

  /** ZOO.md's trainable counts summed over conv1, conv2 and fc, plus the head. */
  private static long expectedTrainable(Contender c, int r) {
    if (c == Contender.FULL) {
      return Tree.parameterCount(CNN);
    }
    long n = HEAD;
    for (int[] layer : LAYERS) {
      int out = layer[0];
      int in = layer[1];
      n += switch (c.id()) {
        case "head" -> 0;
        case "lora", "rslora", "pissa", "milora" -> (long) r * (in + out);
        case "lora-fa" -> (long) r * out;
        case "dora" -> (long) r * (in + out) + out;
        case "lora-xs" -> (long) r * r;
        case "vera" -> out + r;
        case "ia3" -> out;
        case "lokr" -> (long) r * r + (long) ceil(out, r) * ceil(in, r);
        case "oft" -> layer[2] == 1 ? (long) (out / r) * r * r : (long) (in / r) * r * r;
        default -> throw new AssertionError("no count for " + c.id());
      };
    }
    return n;
  }

  private static int ceil(int a, int b) {
    return (a + b - 1) / b;
  }
}
