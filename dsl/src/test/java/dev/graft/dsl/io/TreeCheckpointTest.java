package dev.graft.dsl.io;

import static dev.graft.dsl.io.CheckpointFixtures.mlp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.tree.Mask;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Trainable;
import dev.graft.dsl.tree.TrainableTree;
import dev.graft.dsl.tree.Tree;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints on trees and their trainable paths, below the {@code Net} facade. */
class TreeCheckpointTest {
  @TempDir
  java.nio.file.Path dir;

  @Test
  void aPlainTreeSavesAndLoadsWithItsTrainablePaths() {
    List<Path> trainable = List.of(Path.of("layers/2/weight"), Path.of("layers/2/bias"));
    java.nio.file.Path file = dir.resolve("tree.safetensors");
    Checkpoints.save(Trainable.of(mlp(1), trainable), file);
    TrainableTree back = Checkpoints.load(file, mlp(2));
    assertTrue(Tree.equals(mlp(1), back.module()));
    assertEquals(trainable, back.trainablePaths());
    // Net.load reads the same file into a net with that trainable set.
    Net net = Net.load(file, mlp(2));
    assertEquals(trainable, net.trainablePaths());
  }

  @Test
  void aFileWithoutTrainablePathsLoadsEveryLeafTrainable() {
    java.nio.file.Path file = dir.resolve("plain.safetensors");
    Safetensors.write(file, Tree.leavesByPath(mlp(1)).entrySet().stream().collect(
        java.util.stream.Collectors.toMap(e -> e.getKey().toString(), e -> e.getValue())));
    TrainableTree back = Checkpoints.load(file, mlp(2));
    assertEquals(Tree.paths(back.module()), back.trainablePaths());
  }

  @Test
  void theBaseLoadsUnderTheAdaptersOfAPlainTree() {
    java.nio.file.Path file = dir.resolve("base.safetensors");
    Net.of(mlp(1)).save(file);
    Layer adapted = Net.of(mlp(2)).freeze().lora(2, 4.0, Mask.regex("layers/0/.*")).module();
    Layer loaded = Checkpoints.loadBase(adapted, file);
    LoraWrapper w = (LoraWrapper) Tree.get(loaded, Path.of("layers/0"));
    assertTrue(w instanceof LoRAAdapter);
    assertEquals(Tree.get(mlp(1), Path.of("layers/0")), w.base());
    assertEquals(Tree.get(mlp(1), Path.of("layers/2")), Tree.get(loaded, Path.of("layers/2")));
  }
}
