package dev.graft.dsl.many;

import static dev.graft.dsl.many.ManyFixtures.ZOO;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.graft.testkit.Theories;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.graft.dsl.Net;
import dev.graft.dsl.lora.AdapterSet;
import dev.graft.dsl.nn.Mlp;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * For random MLPs, random named sets of random zoo kinds on random layers and random row
 * assignments: each row of {@code apply(x, adapterPerRow)} equals that row of the forward with
 * its adapter activated alone (the base's for {@code "__base__"}).
 */
class MixedBatchPropertyTest {
  @Test
  void mixedBatchRowsEqualSingleAdapterRuns() {
    Theories.qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
      java.util.Random rnd = new java.util.Random(seed);
      Mlp model = ManyFixtures.randomMlp(rnd);
      int layers = model.layers().size();
      int sets = 2 + rnd.nextInt(3);
      Net net = Net.of(model).freeze();
      List<String> names = new ArrayList<>();
      for (int s = 0; s < sets; s++) {
        String name = s == 0 && rnd.nextBoolean() ? AdapterSet.DEFAULT : "task" + s;
        names.add(name);
        net = net.lora(name, ManyFixtures.spec(ZOO.get(rnd.nextInt(ZOO.size())),
            ManyFixtures.randomTarget(rnd, layers), rnd.nextLong(), 1 + rnd.nextInt(8)));
      }
      net = ManyFixtures.perturbAll(net, seed);
      assertEquals(names, net.adapterNames());

      int batch = 1 + rnd.nextInt(9);
      Tensor x = Random.normal(Key.of(seed), batch, inputWidth(model));
      List<String> rows = new ArrayList<>();
      for (int i = 0; i < batch; i++) {
        int pick = rnd.nextInt(names.size() + 1);
        rows.add(pick == names.size() ? AdapterSet.BASE : names.get(pick));
      }
      Tensor mixed = net.apply(x, rows);
      for (int i = 0; i < batch; i++) {
        String name = rows.get(i);
        Tensor alone = name.equals(AdapterSet.BASE) ? net.activate().apply(x)
            : net.activate(name).apply(x);
        assertArrayEquals(ManyFixtures.row(alone, i), ManyFixtures.row(mixed, i), 1e-5f,
            "row " + i + " through '" + name + "' of " + rows);
      }
    });
  }

  private static int inputWidth(Mlp model) {
    return ((dev.graft.dsl.nn.Linear) model.layers().get(0)).inFeatures();
  }
}
