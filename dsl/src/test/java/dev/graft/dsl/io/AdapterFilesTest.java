package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import dev.graft.dsl.lora.LoRALinear;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code saveAdapter}'s two files change together or not at all: a failure before either rename
 * leaves the previous pair (or nothing) and no temporary files; weights beside a config from
 * another save are refused on load.
 */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class AdapterFilesTest {
  @TempDir
  Path dir;

  private static Net trained(double alpha, long seed) {
    Net net = PeftFixtures.base().freeze().lora(LoraSpec.builder().rank(2).alpha(alpha)
        .wrappers(List.of(LoRALinear.FACTORY)).build());
    return CheckpointFixtures.perturbed(net, seed);
  }

  private static Net fresh(double alpha) {
    return PeftFixtures.base().freeze().lora(LoraSpec.builder().rank(2).alpha(alpha)
        .wrappers(List.of(LoRALinear.FACTORY)).build());
  }

  private List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private void saveFailing(Net net, String step) {
    Map<String, Object> config = PeftConfig.build(net.adapters(), List.of(), false);
    Map<String, Tensor> tensors = new java.util.LinkedHashMap<>();
    for (var e : net.adapters().entrySet()) {
      for (String f : e.getValue().adapterFields()) {
        tensors.put(ModuleNames.peftKey(e.getKey(), PeftFields.suffix(e.getValue(), f)),
            Tree.leaf(net.module(), e.getKey().child(f)));
      }
    }
    SafetensorsException e = assertThrows(SafetensorsException.class,
        () -> AdapterFiles.write(dir, tensors, Map.of("format", "pt"), config, s -> {
          if (s.equals(step)) {
            throw new IOException("injected failure before the " + s + " rename");
          }
        }));
    assertTrue(e.getMessage().contains("injected"), e.getMessage());
  }

  @Test
  void aFailedSecondWriteLeavesTheOldPair() throws IOException {
    Net v1 = trained(4.0, 1);
    v1.saveAdapter(dir);
    byte[] weights1 = Files.readAllBytes(dir.resolve(PeftAdapters.WEIGHTS));
    byte[] config1 = Files.readAllBytes(dir.resolve(PeftAdapters.CONFIG));
    List<String> before = listing();

    Net v2 = trained(6.0, 2);                 // other weights and another config (scale)
    for (String step : List.of("config", "weights")) {
      saveFailing(v2, step);
      assertArrayEquals(weights1, Files.readAllBytes(dir.resolve(PeftAdapters.WEIGHTS)), step);
      assertArrayEquals(config1, Files.readAllBytes(dir.resolve(PeftAdapters.CONFIG)), step);
      assertEquals(before, listing(), "no temporary files left after a failure at " + step);
      Net back = fresh(4.0).loadAdapter(dir);
      assertTrue(Tree.equals(v1.module(), back.module()), "the old pair loads, " + step);
    }
  }

  @Test
  void aFailedFirstSaveLeavesNothing() throws IOException {
    saveFailing(trained(4.0, 1), "config");
    assertEquals(List.of(), listing());
  }

  @Test
  void weightsBesideAnotherSavesConfigAreRefused() throws IOException {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    trained(4.0, 1).saveAdapter(a);
    trained(6.0, 2).saveAdapter(b);
    // New weights with the old config: what a crash between the two renames would leave.
    Files.copy(b.resolve(PeftAdapters.WEIGHTS), a.resolve(PeftAdapters.WEIGHTS),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Net target = fresh(4.0);
    CheckpointException e = assertThrows(CheckpointException.class, () -> target.loadAdapter(a));
    assertEquals(a.resolve(PeftAdapters.WEIGHTS), e.file());
    assertTrue(e.getMessage().contains("different saves"), e.getMessage());
    assertFalse(Files.readString(b.resolve(PeftAdapters.CONFIG)).isEmpty());
    // The untouched pair still loads, and its weights record the config's hash.
    assertTrue(Safetensors.read(b.resolve(PeftAdapters.WEIGHTS)).metadata()
        .containsKey(AdapterFiles.CONFIG_HASH));
    Tensor x = Random.normal(Key.of(3), 2, 16);
    assertEquals(0f, trained(6.0, 2).apply(x).maxAbsDiff(fresh(6.0).loadAdapter(b).apply(x)));
  }

  @Test
  void replacingKeepsEachFilesPermissions() throws IOException {
    trained(4.0, 1).saveAdapter(dir);
    var owner = java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
    try {
      Files.setPosixFilePermissions(dir.resolve(PeftAdapters.WEIGHTS), owner);
      Files.setPosixFilePermissions(dir.resolve(PeftAdapters.CONFIG), owner);
    } catch (UnsupportedOperationException e) {
      org.junit.jupiter.api.Assumptions.abort("not a POSIX file system");
    }
    trained(6.0, 2).saveAdapter(dir);
    assertEquals(owner, Files.getPosixFilePermissions(dir.resolve(PeftAdapters.WEIGHTS)));
    assertEquals(owner, Files.getPosixFilePermissions(dir.resolve(PeftAdapters.CONFIG)));
  }
}
