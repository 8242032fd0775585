package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import dev.graft.runtime.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Net.fromPretrained} on folders the real PEFT 0.21 wrote (test resources {@code
 * peft/two}): every kind builds on the plain base from its config alone and reproduces PEFT's
 * outputs; several of them laid out as PEFT lays out named adapters come back under their names.
 */
class FromPretrainedPeftTest {
  @TempDir
  Path tmp;

  @TestFactory
  Stream<DynamicTest> everyPeftKindFromItsFolderAlone() {
    return PeftFixtures.KINDS.stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
      Map<String, Tensor> io = PeftFixtures.io(k.name());
      Net net = Net.fromPretrained(PeftFixtures.base().module(), PeftFixtures.dir(k.name()));
      float err = net.apply(io.get("x")).maxAbsDiff(io.get("y"));
      assertTrue(err <= PeftInteropTest.TOL, k.name() + ": max |y - PEFT's y| = " + err);
      assertEquals(List.of("default"), net.adapterNames(), k.name());
    }));
  }

  @Test
  void peftsMultiAdapterLayoutComesBackUnderItsNames() throws Exception {
    Path dir = tmp.resolve("many");
    copy(PeftFixtures.dir("lora"), dir);
    copy(PeftFixtures.dir("dora"), dir.resolve("dora"));
    copy(PeftFixtures.dir("ia3"), dir.resolve("ia3"));
    Net net = Net.fromPretrained(PeftFixtures.base().module(), dir);
    assertEquals(List.of("default", "dora", "ia3"), net.adapterNames());
    for (String[] pair : new String[][] {{"default", "lora"}, {"dora", "dora"}, {"ia3", "ia3"}}) {
      Map<String, Tensor> io = PeftFixtures.io(pair[1]);
      float err = net.activate(pair[0]).apply(io.get("x")).maxAbsDiff(io.get("y"));
      assertTrue(err <= PeftInteropTest.TOL, pair[0] + ": max |Δ| = " + err);
    }
  }

  private static void copy(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    for (String f : List.of(PeftAdapters.CONFIG, PeftAdapters.WEIGHTS)) {
      Files.copy(from.resolve(f), to.resolve(f));
    }
  }
}
