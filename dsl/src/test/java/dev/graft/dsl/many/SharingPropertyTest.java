package dev.graft.dsl.many;

import static dev.graft.dsl.many.ManyFixtures.ZOO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.graft.testkit.Theories;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.AdapterSet;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * For random MLPs, random named sets and random sequences of {@code activate} and {@code
 * deleteAdapter}: the base's leaves are the very tensors of the model passed in (never copied,
 * never changed), every surviving adapter's tensors are the same objects as before, and only the
 * active adapters' fields train.
 */
class SharingPropertyTest {
  @Test
  void activateAndDeleteNeverTouchTheBase() {
    Theories.qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
      java.util.Random rnd = new java.util.Random(seed);
      Mlp model = ManyFixtures.randomMlp(rnd);
      int layers = model.layers().size();
      Net net = Net.of(model).freeze();
      List<String> names = new ArrayList<>();
      for (int s = 0; s < 2 + rnd.nextInt(3); s++) {
        String name = "a" + s;
        names.add(name);
        net = net.lora(name, ManyFixtures.spec(ZOO.get(rnd.nextInt(ZOO.size())),
            ManyFixtures.randomTarget(rnd, layers), rnd.nextLong(), 4));
      }
      net = ManyFixtures.perturbAll(net, seed);
      Map<String, Map<Path, LoraWrapper>> before = adaptersByName(net);
      for (int step = 0; step < 6; step++) {
        if (rnd.nextInt(4) == 0 && names.size() > 1) {
          String gone = names.remove(rnd.nextInt(names.size()));
          net = net.deleteAdapter(gone);
          assertTrue(!net.adapterNames().contains(gone));
        } else {
          List<String> on = new ArrayList<>();
          for (String n : names) {
            if (rnd.nextBoolean()) {
              on.add(n);
            }
          }
          net = net.activate(on.toArray(String[]::new));
          checkTrainable(net, on);
        }
        assertEquals(names, net.adapterNames());
        checkBase(model, net);
        Map<String, Map<Path, LoraWrapper>> now = adaptersByName(net);
        for (Map.Entry<String, Map<Path, LoraWrapper>> e : now.entrySet()) {
          for (Map.Entry<Path, LoraWrapper> w : e.getValue().entrySet()) {
            assertSame(before.get(e.getKey()).get(w.getKey()), w.getValue(),
                "adapter '" + e.getKey() + "' at '" + w.getKey() + "' was rebuilt");
          }
        }
      }
    });
  }

  /** Each adapted layer's base (the set's, or a bare wrapper's) holds the model's own leaves. */
  private static void checkBase(Mlp model, Net net) {
    for (int i = 0; i < model.layers().size(); i++) {
      Path at = Path.of("layers").child(i);
      Object node = Tree.get(net.module(), at);
      Layer base = node instanceof AdapterSet s ? s.base()
          : node instanceof LoraWrapper w ? w.base() : (Layer) node;
      List<Tensor> mine = Tree.leaves(base);
      List<Tensor> original = Tree.leaves(model.layers().get(i));
      assertEquals(original.size(), mine.size());
      for (int k = 0; k < mine.size(); k++) {
        assertSame(original.get(k), mine.get(k), "leaf " + k + " of the base at '" + at + "'");
      }
    }
  }

  private static void checkTrainable(Net net, List<String> on) {
    Set<Path> expected = new LinkedHashSet<>();
    for (Map.Entry<Path, LoraWrapper> e : net.adapters().entrySet()) {
      AdapterSet s = (AdapterSet) e.getValue();
      for (String n : on) {
        LoraWrapper w = s.adapters().get(n);
        if (w != null) {
          for (String f : w.adapterFields()) {
            expected.add(e.getKey().child("adapters").child(n).child(f));
          }
        }
      }
    }
    assertEquals(expected, new LinkedHashSet<>(net.trainablePaths()));
  }

  static Map<String, Map<Path, LoraWrapper>> adaptersByName(Net net) {
    Map<String, Map<Path, LoraWrapper>> out = new java.util.LinkedHashMap<>();
    for (Map.Entry<Path, LoraWrapper> e : net.adapters().entrySet()) {
      if (e.getValue() instanceof AdapterSet s) {
        for (Map.Entry<String, LoraWrapper> a : s.adapters().entrySet()) {
          out.computeIfAbsent(a.getKey(), k -> new java.util.LinkedHashMap<>())
              .put(e.getKey(), a.getValue());
        }
      } else {
        out.computeIfAbsent(AdapterSet.DEFAULT, k -> new java.util.LinkedHashMap<>())
            .put(e.getKey(), e.getValue());
      }
    }
    return out;
  }
}
