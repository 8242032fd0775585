package dev.graft.dsl.many;

import static dev.graft.dsl.many.ManyFixtures.LOW_RANK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.graft.testkit.Theories;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.graft.dsl.Combined;
import dev.graft.dsl.Net;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Mlp;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * For random MLPs, random LoRA-family sets on random layers and random weights: the {@code cat}
 * combination's forward, layer by layer, is the base plus the weighted sum of the sets'
 * contributions; its rank is the sum of theirs; the svd combination at that rank loses nothing.
 */
class CombinePropertyTest {
  @Test
  void catEqualsTheWeightedSumOfForwards() {
    Theories.qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
      java.util.Random rnd = new java.util.Random(seed);
      // One Linear layer (no activation after it): the forward is base + Σ wᵢ Δᵢ.
      Mlp model = ManyFixtures.randomMlp(rnd);
      Mlp one = new Mlp(List.of(model.layers().get(0)), model.activation());
      Net net = Net.of(one).freeze();
      int sets = 1 + rnd.nextInt(3);
      Map<String, Double> weights = new LinkedHashMap<>();
      for (int s = 0; s < sets; s++) {
        net = net.lora("t" + s, ManyFixtures.spec(LOW_RANK.get(rnd.nextInt(LOW_RANK.size())),
            "^layers/0$", rnd.nextLong(), 1 + rnd.nextInt(8)));
        weights.put("t" + s, rnd.nextDouble() * 4 - 2);
      }
      net = ManyFixtures.perturbAll(net, seed);
      Net combined = net.combine("mix", weights);
      assertEquals(sets + 1, combined.adapterNames().size());
      Tensor x = Random.normal(Key.of(seed), 5, ((Linear) one.layers().get(0)).inFeatures());
      Tensor base = net.activate().apply(x);
      Tensor expected = base;
      for (Map.Entry<String, Double> w : weights.entrySet()) {
        Tensor alone = net.activate(w.getKey()).apply(x);
        expected = expected.plus(alone.minus(base).times((float) (double) w.getValue()));
      }
      Tensor got = combined.activate("mix").apply(x);
      assertArrayEquals(expected.toArray(), got.toArray(), 2e-4f);

      // The rank of the combination is the sum; an svd combination at that rank loses nothing.
      Combined svd = net.combine("svd", weights, 2 * sets);
      assertTrue(svd.maxDiscardedEnergy() < 1e-6, "energy lost: " + svd.discardedEnergy());
      Tensor viaSvd = svd.net().activate("svd").apply(x);
      assertArrayEquals(expected.toArray(), viaSvd.toArray(), 2e-3f);
    });
  }

  @Test
  void catCombinesAcrossLayersAsTheSumOfDeltas() {
    Theories.qt().withExamples(25).forAll(longs().all()).checkAssert(seed -> {
      java.util.Random rnd = new java.util.Random(seed);
      Mlp model = ManyFixtures.randomMlp(rnd);
      int layers = model.layers().size();
      Net net = Net.of(model).freeze();
      Map<String, Double> weights = new LinkedHashMap<>();
      List<String> names = new ArrayList<>();
      for (int s = 0; s < 2 + rnd.nextInt(2); s++) {
        net = net.lora("t" + s, ManyFixtures.spec(LOW_RANK.get(rnd.nextInt(LOW_RANK.size())),
            ManyFixtures.randomTarget(rnd, layers), rnd.nextLong(), 1 + rnd.nextInt(8)));
        weights.put("t" + s, rnd.nextDouble() * 2 - 1);
        names.add("t" + s);
      }
      net = ManyFixtures.perturbAll(net, seed);
      // Activating every set with weight 1 adds their contributions; cat with weights 1 is that.
      Map<String, Double> ones = new LinkedHashMap<>();
      names.forEach(n -> ones.put(n, 1.0));
      Net combined = net.combine("sum", ones).activate("sum");
      Tensor x = Random.normal(Key.of(seed), 4, ((Linear) model.layers().get(0)).inFeatures());
      Tensor all = net.activate(names.toArray(String[]::new)).apply(x);
      assertArrayEquals(all.toArray(), combined.apply(x).toArray(), 1e-4f);
      // And merging the combination equals merging the active sets together.
      Tensor mergedAll = net.activate(names.toArray(String[]::new)).merge().apply(x);
      assertArrayEquals(mergedAll.toArray(), combined.merge().apply(x).toArray(), 1e-4f);
    });
  }
}
