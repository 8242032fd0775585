package dev.graft.dsl.many;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Combined;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.AdapterFactory;
import dev.graft.dsl.lora.AdapterSet;
import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.lora.PiSSAAdapter;
import dev.graft.dsl.lora.RsLoRAAdapter;
import dev.graft.dsl.nn.GroupedLayer;
import dev.graft.dsl.nn.GroupedLinear;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.tree.Path;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Named adapters on a {@link GroupedLinear}: the exact ({@code cat}) combination is the weighted
 * sum of the sets' contributions, the svd combination is refused naming the layer, and PiSSA's
 * conversion to plain LoRA keeps the forward.
 */
class GroupedManyAdaptersTest {
  /** A mixture-of-experts block: each row through the expert its router chose. */
  record Experts(Layer experts, int[] groups) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return ((GroupedLayer) experts).apply(x, groups);
    }
  }

  /** The same block passing its training key on to the experts (for adapter dropout). */
  record DroppedExperts(Layer experts, int[] groups) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return apply(x, (Key) null);
    }

    @Override
    public Tensor apply(Tensor x, @org.jspecify.annotations.Nullable Key key) {
      return ((GroupedLayer) experts).apply(x, groups, key);
    }
  }

  private static final Experts MODEL = new Experts(GroupedLinear.create(3, 6, 4, true,
      Key.of(1)), new int[] {0, 2, 1, 1, 0, 2});
  private static final Tensor X = Random.normal(Key.of(2), 6, 6);

  private static LoraSpec spec(AdapterFactory factory, int rank, long seed) {
    return LoraSpec.builder().rank(rank).alpha(4.0).seed(seed).target("experts")
        .wrappers(List.of(factory)).build();
  }

  /** Weights of the two sets in the combinations. */
  private static final Map<String, Double> WEIGHTS = weights();

  private static Map<String, Double> weights() {
    Map<String, Double> w = new LinkedHashMap<>();
    w.put("a", 0.7);
    w.put("b", -1.3);
    return w;
  }

  /** A LoRA of rank 2 and an rsLoRA of rank 1 on the experts, both perturbed. */
  private static Net twoSets() {
    return ManyFixtures.perturbAll(Net.of(MODEL).freeze()
        .lora("a", spec(LoRAAdapter.FACTORY, 2, 3)).lora("b", spec(RsLoRAAdapter.FACTORY, 1, 4)),
        5);
  }

  @Test
  void catCombinationIsTheWeightedSumOfTheSets() {
    Net net = twoSets();
    Map<String, Double> weights = WEIGHTS;
    Net combined = net.combine("mix", weights);
    Tensor base = net.activate().apply(X);
    Tensor expected = base;
    for (Map.Entry<String, Double> w : weights.entrySet()) {
      Tensor alone = net.activate(w.getKey()).apply(X);
      expected = expected.plus(alone.minus(base).times((float) (double) w.getValue()));
    }
    assertArrayEquals(expected.toArray(), combined.activate("mix").apply(X).toArray(), 2e-4f);
    AdapterSet set = assertInstanceOf(AdapterSet.class,
        combined.adapters().get(Path.of("experts")));
    LoRAAdapter mix = assertInstanceOf(LoRAAdapter.class, set.adapters().get("mix"));
    assertEquals(List.of(3, 3, 6), List.of(mix.loraA().dim(0), mix.loraA().dim(1),
        mix.loraA().dim(2)), "A (G, r_a + r_b, in)");
    assertSame(MODEL.experts(), mix.base());
  }

  @Test
  void aMixedBatchSendsEachRowThroughItsAdapterAndItsGroup() {
    Net net = ManyFixtures.perturbAll(Net.of(MODEL).freeze()
        .lora("a", spec(LoRAAdapter.FACTORY, 2, 3)).lora("b", spec(PiSSAAdapter.FACTORY, 1, 4)),
        9);
    List<String> rows = List.of("b", AdapterSet.BASE, "a", "b", "a", AdapterSet.BASE);
    Tensor mixed = net.apply(X, rows);
    for (int r = 0; r < rows.size(); r++) {
      Net alone = rows.get(r).equals(AdapterSet.BASE) ? net.activate() : net.activate(rows.get(r));
      assertArrayEquals(alone.apply(X).slice(0, r, r + 1).toArray(),
          mixed.slice(0, r, r + 1).toArray(), 1e-5f, "row " + r + " (" + rows.get(r) + ")");
    }
  }

  @Test
  void theTrainingKeyReachesEveryAdapterThroughGroupedLayer() {
    DroppedExperts model = new DroppedExperts(MODEL.experts(), MODEL.groups());
    Key key = Key.of(8);
    assertEquals(model.apply(X), model.apply(X, key), "a GroupedLinear ignores the key");
    LoraSpec dropped = LoraSpec.builder().rank(2).alpha(4.0).dropout(0.5).target("experts")
        .wrappers(List.of(LoRAAdapter.FACTORY)).build();
    Net one = ManyFixtures.perturbAll(Net.of(model).freeze().lora(dropped), 10);
    Net two = ManyFixtures.perturbAll(Net.of(model).freeze().lora("a", dropped)
        .lora("b", dropped).activate("a", "b"), 11);
    for (Net net : List.of(one, two)) {
      Layer m = net.module();
      assertEquals(m.apply(X), m.apply(X, (Key) null), "inference ignores dropout");
      assertTrue(!m.apply(X, key).allClose(m.apply(X), 1e-6, 1e-6), "dropout acts in training");
      assertEquals(m.apply(X, key), m.apply(X, key), "the same key, the same mask");
    }
  }

  @Test
  void svdCombinationCutsEachGroupAndLosesNothingAtTheSummedRank() {
    Net net = twoSets();
    Map<String, Double> weights = WEIGHTS;
    Tensor exact = net.combine("mix", weights).activate("mix").apply(X);
    Combined full = net.combine("svd", weights, 3);
    assertTrue(full.maxDiscardedEnergy() < 1e-6, "energy lost: " + full.discardedEnergy());
    assertArrayEquals(exact.toArray(), full.net().activate("svd").apply(X).toArray(), 2e-3f);
    AdapterSet set = assertInstanceOf(AdapterSet.class,
        full.net().adapters().get(Path.of("experts")));
    LoRAAdapter svd = assertInstanceOf(LoRAAdapter.class, set.adapters().get("svd"));
    assertEquals(List.of(3, 4, 3), List.of(svd.loraB().dim(0), svd.loraB().dim(1),
        svd.loraB().dim(2)), "B (G, out, r)");
    Combined cut = net.combine("svd1", weights, 1);
    double lost = cut.discardedEnergy().get(Path.of("experts"));
    assertTrue(lost > 1e-4 && lost < 1, "rank 1 of rank 3 discards some energy: " + lost);
  }

  @Test
  void pissaOnAGroupedLayerConvertsToPlainLoraWithTheSameForward() {
    Net initial = Net.of(MODEL).freeze().lora(spec(PiSSAAdapter.FACTORY, 2, 6));
    Net trained = ManyFixtures.perturbAll(initial, 7);
    Net plain = trained.toPlainLora(initial);
    assertArrayEquals(trained.apply(X).toArray(), plain.apply(X).toArray(), 1e-4f);
    LoraWrapper w = plain.adapters().get(Path.of("experts"));
    LoRAAdapter lora = assertInstanceOf(LoRAAdapter.class, w);
    assertEquals(4, lora.rank(), "rank 2r");
    GroupedLinear original = (GroupedLinear) MODEL.experts();
    GroupedLinear rebuilt = assertInstanceOf(GroupedLinear.class, lora.base());
    assertTrue(rebuilt.weight().allClose(original.weight(), 1e-5, 1e-6),
        "W_res + s·B₀A₀ is the original weight up to rounding");
  }
}
