package dev.graft.dsl.io;

import static dev.graft.dsl.io.CheckpointFixtures.adapted;
import static dev.graft.dsl.io.CheckpointFixtures.copy;
import static dev.graft.dsl.io.CheckpointFixtures.mlp;
import static dev.graft.dsl.io.CheckpointFixtures.perturbed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.LoRALinear;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.tree.Mask;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole-model checkpoints: {@code net.save} / {@code Net.load} round trips with trainability,
 * PyTorch-style dotted keys, and every way a file can fail to fit the tree (each an exception
 * naming the file and key, the tree untouched).
 */
// Runs the earlier per-layer adapter names (LoRALinear, VeRAConv, ...), which stay supported.
@SuppressWarnings("deprecation")
class ModelCheckpointTest {
  @TempDir
  java.nio.file.Path dir;

  private java.nio.file.Path file() {
    return dir.resolve("model.safetensors");
  }

  @Test
  void plainModelRoundTripsWithTrainability() {
    Net net = Net.of(mlp(1)).freeze().unfreeze(Mask.regex("layers/2/.*"));
    net.save(file());
    Net back = Net.load(file(), mlp(2));
    assertTrue(Tree.equals(net.module(), back.module()));
    assertEquals(List.of(Path.of("layers/2/weight"), Path.of("layers/2/bias")),
        back.trainablePaths());
    assertFalse(Tree.equals(mlp(1), mlp(2)), "the target tree had other values");

    TensorFile f = Safetensors.read(file());
    assertEquals("1", f.metadata().get(Checkpoints.VERSION_KEY));
    assertEquals("[\"layers/2/weight\",\"layers/2/bias\"]",
        f.metadata().get(Checkpoints.TRAINABLE_KEY));
    assertTrue(f.tensors().containsKey("layers/0/weight"));
  }

  @Test
  void adaptedModelRoundTrips() {
    Net net = perturbed(adapted(mlp(1), LoRALinear.FACTORY, 2, 4.0), 7);
    net.save(file());
    Net back = Net.load(file(), adapted(mlp(2), LoRALinear.FACTORY, 2, 4.0).module());
    assertTrue(Tree.equals(net.module(), back.module()));
    assertEquals(net.trainablePaths(), back.trainablePaths());
    Tensor x = Tensor.arange(12).reshape(2, 6).times(0.1f);
    assertEquals(net.apply(x), back.apply(x));
  }

  @Test
  void aStateDictWithDottedKeysLoadsAndEverythingTrains() {
    Mlp source = mlp(3);
    Map<String, Tensor> stateDict = new LinkedHashMap<>();
    Tree.leavesByPath(source).forEach((p, t) -> stateDict.put(ModuleNames.dotted(p), t));
    Safetensors.write(file(), stateDict, Map.of("format", "pt"));
    Net back = Net.load(file(), mlp(4));
    assertTrue(Tree.equals(source, back.module()));
    assertEquals(Tree.paths(source), back.trainablePaths());
  }

  private void refused(Layer tree, String key, String... fragments) {
    Layer before = copy(tree);
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> Net.load(file(), tree));
    assertEquals(file(), e.file());
    assertEquals(key, e.key(), e.getMessage());
    assertTrue(e.getMessage().startsWith(file() + ": "), e.getMessage());
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
    }
    assertTrue(Tree.equals(before, tree));
  }

  private void writeLeaves(Layer m, Map<String, String> meta, String drop,
      Map<String, Tensor> extra) {
    Map<String, Tensor> t = new LinkedHashMap<>();
    Tree.leavesByPath(m).forEach((p, v) -> {
      if (!p.toString().equals(drop)) {
        t.put(p.toString(), v);
      }
    });
    t.putAll(extra);
    Safetensors.write(file(), t, meta);
  }

  @Test
  void missingLeaf() {
    writeLeaves(mlp(1), Map.of(), "layers/1/bias", Map.of());
    refused(mlp(2), "layers/1/bias", "missing 1 leaf", "'layers/1/bias'");
  }

  @Test
  void unexpectedKey() {
    writeLeaves(mlp(1), Map.of(), "", Map.of("head/weight", Tensor.zeros(2, 2)));
    refused(mlp(2), "head/weight", "unexpected 1 key", "'head/weight'");
  }

  @Test
  void wrongShape() {
    writeLeaves(mlp(1), Map.of(), "", Map.of("layers/1/bias", Tensor.zeros(5)));
    refused(mlp(2), "layers/1/bias", "shape (5,)", "(4,)", "leaf 'layers/1/bias'");
  }

  @Test
  void keySpelledTwice() {
    writeLeaves(mlp(1), Map.of(), "", Map.of("layers.1.bias", Tensor.zeros(4)));
    refused(mlp(2), "layers/1/bias", "same leaf 'layers/1/bias'");
  }

  @Test
  void newerFormatVersion() {
    writeLeaves(mlp(1), Map.of(Checkpoints.VERSION_KEY, "2"), "", Map.of());
    refused(mlp(2), SafetensorsException.METADATA_KEY, "version");
  }

  @Test
  void trainableMetadataNamingNoLeaf() {
    writeLeaves(mlp(1), Map.of(Checkpoints.TRAINABLE_KEY, "[\"layers/9/weight\"]"), "",
        Map.of());
    refused(mlp(2), SafetensorsException.METADATA_KEY, "layers/9/weight");
    writeLeaves(mlp(1), Map.of(Checkpoints.TRAINABLE_KEY, "{\"a\": 1}"), "", Map.of());
    refused(mlp(2), SafetensorsException.METADATA_KEY, "not a JSON array");
    writeLeaves(mlp(1), Map.of(Checkpoints.TRAINABLE_KEY, "[\"a//b\"]"), "", Map.of());
    refused(mlp(2), SafetensorsException.METADATA_KEY, "not a path");
  }

  @Test
  void integerDtypeIsRefused() throws IOException {
    Mlp m = mlp(1);
    writeLeaves(m, Map.of(), "", Map.of());
    byte[] bytes = Files.readAllBytes(file());
    String s = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = s.indexOf("\"F32\"", s.indexOf("\"layers/0/bias\""));
    bytes[at + 1] = 'I';
    Files.write(file(), bytes);
    refused(mlp(2), "layers/0/bias", "I32");
  }

  @Test
  void anAdaptedTreeNamesLoadBaseWhenGivenABaseFile() {
    Net.of(mlp(1)).save(file());
    refused(adapted(mlp(2), LoRALinear.FACTORY, 2, 4.0).module(), "layers/0/bias",
        "missing 12 leaves", "unexpected 6 keys", "loadBase");
  }

  @Test
  void aTruncatedFileIsASafetensorsError() throws IOException {
    Net.of(mlp(1)).save(file());
    byte[] bytes = Files.readAllBytes(file());
    Files.write(file(), java.util.Arrays.copyOf(bytes, bytes.length - 3));
    Mlp target = mlp(2);
    SafetensorsException e = assertThrows(SafetensorsException.class,
        () -> Net.load(file(), target));
    assertEquals(file(), e.file());
  }
}
