package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.dsl.Net;
import dev.graft.runtime.Tensor;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adapters written by the real Hugging Face PEFT 0.21 (test resources {@code peft/two}) load onto
 * the base and reproduce PEFT's outputs; saved again by Graft they have PEFT's keys, shapes and
 * meaning-bearing config fields, and load back to the same outputs.
 */
class PeftInteropTest {
  static final double TOL = 1e-5;

  @TempDir
  Path tmp;

  @TestFactory
  Stream<DynamicTest> peftFolderReproducesPeftsOutput() {
    return PeftFixtures.KINDS.stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
      Map<String, Tensor> io = PeftFixtures.io(k.name());
      Net net = PeftFixtures.adapted(k, 3).loadAdapter(PeftFixtures.dir(k.name()));
      float err = net.apply(io.get("x")).maxAbsDiff(io.get("y"));
      assertTrue(err <= TOL, k.name() + ": max |y - PEFT's y| = " + err);
      // The adapter is really in play: the base alone is far from PEFT's y.
      float base = PeftFixtures.base().apply(io.get("x")).maxAbsDiff(io.get("y"));
      assertTrue(base > 100 * TOL, k.name() + ": the base alone already gives y (" + base + ")");
      // merge == adapted on PEFT's own adapter
      float merged = net.merge().apply(io.get("x")).maxAbsDiff(io.get("y"));
      assertTrue(merged <= TOL, k.name() + ": merged max |Δ| = " + merged);
    }));
  }

  @TestFactory
  Stream<DynamicTest> savedAgainHasPeftsKeysShapesAndConfig() {
    return PeftFixtures.KINDS.stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
      Path peft = PeftFixtures.dir(k.name());
      Net net = PeftFixtures.adapted(k, 3).loadAdapter(peft);
      Path out = tmp.resolve(k.name());
      net.saveAdapter(out);

      assertEquals(shapes(peft.resolve(PeftAdapters.WEIGHTS)),
          shapes(out.resolve(PeftAdapters.WEIGHTS)), k.name() + ": keys and shapes");
      JsonNode want = PeftFixtures.config(peft);
      JsonNode got = PeftFixtures.config(out);
      for (String field : k.meaning()) {
        JsonNode w = want.get(field);
        JsonNode g = got.get(field);
        assertNotNull(g, k.name() + ": saved config lacks \"" + field + "\"");
        if (w.isNumber() && g.isNumber()) {
          assertEquals(w.doubleValue(), g.doubleValue(), 1e-12, k.name() + ": \"" + field + "\"");
        } else {
          assertEquals(w, g, k.name() + ": \"" + field + "\"");
        }
      }

      // Reloaded onto a freshly adapted net (another seed), the outputs are PEFT's.
      Map<String, Tensor> io = PeftFixtures.io(k.name());
      Net again = PeftFixtures.adapted(k, 77).loadAdapter(out);
      float err = again.apply(io.get("x")).maxAbsDiff(io.get("y"));
      assertTrue(err <= TOL, k.name() + ": reloaded max |Δ| = " + err);
    }));
  }

  @TestFactory
  Stream<DynamicTest> loadOntoThePlainModelNeedsNoKnowledgeOfTheKind() {
    return PeftFixtures.KINDS.stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
      Map<String, Tensor> io = PeftFixtures.io(k.name());
      Net net = PeftFixtures.base().loadPeft(PeftFixtures.dir(k.name()));
      float err = net.apply(io.get("x")).maxAbsDiff(io.get("y"));
      assertTrue(err <= TOL, k.name() + ": max |Δ| = " + err);
      Net byHand = PeftFixtures.adapted(k, 3);
      assertEquals(byHand.adapters().keySet(), net.adapters().keySet());
      for (var e : byHand.adapters().entrySet()) {
        assertEquals(e.getValue().getClass(), net.adapters().get(e.getKey()).getClass(),
            k.name() + " at " + e.getKey());
      }
      assertEquals(byHand.trainablePaths(), net.trainablePaths(), k.name());
      // A folder Graft saved reads back the same way.
      Path out = tmp.resolve("onto-" + k.name());
      net.saveAdapter(out);
      float again = PeftFixtures.base().loadPeft(out).apply(io.get("x"))
          .maxAbsDiff(io.get("y"));
      assertTrue(again <= TOL, k.name() + ": from Graft's save, max |Δ| = " + again);
    }));
  }

  /** Key → shape, for comparing two files' layouts. */
  static Map<String, String> shapes(Path file) {
    Map<String, String> out = new TreeMap<>();
    try (SafetensorsReader r = Safetensors.open(file)) {
      for (String key : r.keys()) {
        out.put(key, java.util.Arrays.toString(r.info(key).shape()));
      }
    }
    return out;
  }
}
