package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.AdapterFactory;
import dev.graft.dsl.lora.AdapterSet;
import dev.graft.dsl.lora.LoRAFALinear;
import dev.graft.dsl.lora.LoRALinear;
import dev.graft.dsl.lora.LoRAXSLinear;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.lora.VeRALinear;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graft's frozen file ({@value GraftFrozen#FILE}) is saved in one atomic step with the PEFT pair:
 * a save failing at any step leaves the previous save (which {@code fromPretrained} and {@code
 * loadAdapter} read back), a frozen file from another save, a missing one or a stale one is
 * refused naming the file, and tensors the weights hold are not written to it a second time.
 */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class FrozenAtomicSaveTest {
  @TempDir
  Path dir;

  private static final Layer BASE = PeftFixtures.base().module();

  private static LoraSpec spec(AdapterFactory f, int rank) {
    return LoraSpec.builder().rank(rank).alpha(2.0 * rank).wrappers(List.of(f)).build();
  }

  /** LoRA-XS as "default" and "alt", both perturbed by {@code seed}. */
  private static Net xs(long seed) {
    return named(LoRAXSLinear.FACTORY, seed);
  }

  /**
   * {@code f}'s adapters as "default" (rank 2) and "alt" (rank 3), the trainable tensors of both
   * perturbed by {@code seed}, "default" active as {@code fromPretrained} makes it.
   */
  private static Net named(AdapterFactory f, long seed) {
    Net net = Net.of(BASE).freeze().lora(AdapterSet.DEFAULT, spec(f, 2)).lora("alt", spec(f, 3));
    net = CheckpointFixtures.perturbed(net, seed);                  // "alt" is active
    return CheckpointFixtures.perturbed(net.activate(AdapterSet.DEFAULT), seed + 100);
  }

  /** {@code net} with every frozen LoRA-XS factor ({@code loraA}, {@code loraB}) changed. */
  private static Net otherFrozen(Net net, long seed) {
    Map<dev.graft.dsl.tree.Path, Tensor> changed = new LinkedHashMap<>();
    int i = 0;
    for (var e : Tree.leavesByPath(net.module()).entrySet()) {
      String last = e.getKey().name();
      if (last.equals("loraA") || last.equals("loraB")) {
        Tensor t = e.getValue();
        changed.put(e.getKey(), t.plus(Random.normal(Key.of(seed).foldIn(i++), t.shape())
            .times(0.5f)));
      }
    }
    assertFalse(changed.isEmpty());
    return net.withModule(Tree.combine(net.module(), changed));
  }

  /** Every file under {@code dir}, by relative path, with its bytes. */
  private Map<String, byte[]> snapshot() throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  private static void assertSameNets(Net want, Net got, String what) {
    Tensor x = Random.normal(Key.of(5), 3, 16);
    for (String name : want.adapterNames()) {
      assertArrayEquals(want.activate(name).apply(x).toArray(),
          got.activate(name).apply(x).toArray(), 0f, what + ": adapter '" + name + "'");
    }
    Map<dev.graft.dsl.tree.Path, Tensor> w = Tree.leavesByPath(want.module());
    Map<dev.graft.dsl.tree.Path, Tensor> g = Tree.leavesByPath(got.module());
    assertEquals(w.keySet(), g.keySet(), what + ": the same leaves");
    for (var e : w.entrySet()) {
      assertArrayEquals(e.getValue().shape(), g.get(e.getKey()).shape(), what + " " + e.getKey());
      assertArrayEquals(e.getValue().toArray(), g.get(e.getKey()).toArray(), 0f,
          what + ": " + e.getKey());
    }
    assertTrue(Tree.equals(want.module(), got.module()), what + ": the same tree");
  }

  @Test
  void aSaveFailingAtAnyStepLeavesThePreviousSave() throws IOException {
    Net v1 = xs(1);
    v1.saveAdapter(dir);
    assertTrue(Files.isRegularFile(dir.resolve(GraftFrozen.FILE)));
    assertTrue(Files.isRegularFile(dir.resolve("alt").resolve(GraftFrozen.FILE)));
    Map<String, byte[]> before = snapshot();
    Net v2Trainables = xs(2);
    Net v2 = otherFrozen(v2Trainables, 3);
    for (String step : List.of("aside", "weights", "frozen", "config")) {
      SafetensorsException ex = assertThrows(SafetensorsException.class,
          () -> AdapterFiles.withFaults(s -> {
            if (s.equals(step)) {
              throw new IOException("injected failure at " + s);
            }
          }, () -> v2.saveAdapter(dir)));
      assertTrue(ex.getMessage().contains("injected failure at " + step), ex.getMessage());
      Map<String, byte[]> after = snapshot();
      assertEquals(before.keySet(), after.keySet(), "files after a failure at " + step);
      for (String f : before.keySet()) {
        assertArrayEquals(before.get(f), after.get(f), f + " after a failure at " + step);
      }
      assertSameNets(v1, Net.fromPretrained(BASE, dir), "fromPretrained after " + step);
      assertSameNets(v1, v2Trainables.loadAdapter(dir), "loadAdapter after " + step);
    }
    // Without a fault the new save replaces all three files of both folders.
    v2.saveAdapter(dir);
    assertSameNets(v2, Net.fromPretrained(BASE, dir), "the completed save");
    assertFalse(java.util.Arrays.equals(before.get(GraftFrozen.FILE),
        Files.readAllBytes(dir.resolve(GraftFrozen.FILE))));
  }

  @Test
  void aFrozenFileFromAnotherSaveIsRefused() throws IOException {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Net v1 = xs(1);
    v1.saveAdapter(a);
    otherFrozen(xs(1), 4).saveAdapter(b);
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(a.resolve(GraftFrozen.FILE)),
        Files.readAllBytes(b.resolve(GraftFrozen.FILE))), "the two saves' frozen files differ");
    // What an old save interrupted between its weights and its frozen file could leave.
    Files.copy(b.resolve(GraftFrozen.FILE), a.resolve(GraftFrozen.FILE),
        StandardCopyOption.REPLACE_EXISTING);
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> Net.fromPretrained(BASE, a));
    assertEquals(a.resolve(GraftFrozen.FILE), e.file());
    assertTrue(e.getMessage().contains(GraftFrozen.FILE), e.getMessage());
    assertTrue(e.getMessage().contains("different saves"), e.getMessage());
    CheckpointException l = assertThrows(CheckpointException.class, () -> v1.loadAdapter(a));
    assertEquals(a.resolve(GraftFrozen.FILE), l.file());
    // The other folder, untouched, loads.
    assertSameNets(otherFrozen(xs(1), 4), Net.fromPretrained(BASE, b), "folder b");
  }

  @Test
  void aMissingFrozenFileIsRefused() throws IOException {
    xs(1).saveAdapter(dir);
    Files.delete(dir.resolve("alt").resolve(GraftFrozen.FILE));
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> Net.fromPretrained(BASE, dir));
    assertEquals(dir.resolve("alt").resolve(GraftFrozen.FILE), e.file());
    assertTrue(e.getMessage().contains("is missing"), e.getMessage());
  }

  @Test
  void aSaveWithoutFrozenTensorsRemovesTheOldFileAndRefusesOneCopiedBack() throws IOException {
    CheckpointFixtures.perturbed(Net.of(BASE).freeze().lora(spec(LoRAXSLinear.FACTORY, 2)), 1)
        .saveAdapter(dir);
    byte[] frozen = Files.readAllBytes(dir.resolve(GraftFrozen.FILE));
    Net lora = CheckpointFixtures.perturbed(Net.of(BASE).freeze()
        .lora(spec(LoRALinear.FACTORY, 2)), 5);
    lora.saveAdapter(dir);
    assertFalse(Files.exists(dir.resolve(GraftFrozen.FILE)), "the stale file is gone");
    assertTrue(Tree.equals(lora.module(), Net.fromPretrained(BASE, dir).module()));
    Files.write(dir.resolve(GraftFrozen.FILE), frozen);
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> Net.fromPretrained(BASE, dir));
    assertEquals(dir.resolve(GraftFrozen.FILE), e.file());
    assertTrue(e.getMessage().contains("saved without one"), e.getMessage());
  }

  @Test
  void aFolderWithoutTheBindingStillLoadsItsFrozenFile() throws IOException {
    Net v1 = otherFrozen(xs(1), 6);                // frozen factors the base cannot rebuild
    v1.saveAdapter(dir);
    for (Path d : List.of(dir, dir.resolve("alt"))) {
      Path weights = d.resolve(PeftAdapters.WEIGHTS);
      TensorFile f = Safetensors.read(weights);
      Map<String, String> meta = new LinkedHashMap<>(f.metadata());
      assertTrue(meta.remove(AdapterFiles.FROZEN_HASH) != null);
      Safetensors.write(weights, f.tensors(), meta);  // as an older Graft wrote it
    }
    assertSameNets(v1, Net.fromPretrained(BASE, dir), "an unbound folder");
  }

  @Test
  void tensorsTheWeightsHoldAreNotWrittenTwice() throws IOException {
    for (AdapterFactory f : List.of(LoRAFALinear.FACTORY, VeRALinear.FACTORY)) {
      Path d = dir.resolve(f == VeRALinear.FACTORY ? "vera" : "fa");
      Net net = named(f, 7);
      net.saveAdapter(d);
      assertFalse(Files.exists(d.resolve(GraftFrozen.FILE)), d + ": nothing the weights lack");
      assertFalse(Files.exists(d.resolve("alt").resolve(GraftFrozen.FILE)));
      assertSameNets(net, Net.fromPretrained(BASE, d), d.toString());
    }
    xs(1).saveAdapter(dir);
    try (SafetensorsReader r = Safetensors.open(dir.resolve(GraftFrozen.FILE))) {
      for (String key : r.keys()) {
        assertTrue(key.endsWith("/loraA") || key.endsWith("/loraB"), key);
      }
      assertEquals(4, r.keys().size(), "A and B of both layers: " + r.keys());
    }
  }
}
