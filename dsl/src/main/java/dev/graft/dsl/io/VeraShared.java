package dev.graft.dsl.io;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.lora.VeRAAdapter;
import dev.graft.dsl.lora.VeRAProjections;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * VeRA's shared frozen projections in a PEFT directory: PEFT saves them once, as {@value #KEY_A}
 * {@code (r, in_max)} and {@value #KEY_B} {@code (out_max, r)} ({@code save_projection = True},
 * its default), and every VeRA layer uses the slices {@code A[:, :in]} and {@code B[:out, :]}.
 * In a Graft tree each VeRA wrapper holds the whole shared pair as its frozen leaves {@code
 * veraA} and {@code veraB}; loading puts the file's pair (one tensor object each) at all of them.
 */
final class VeraShared {
  /** PEFT's key of the shared down projection. */
  static final String KEY_A = "base_model.vera_A";
  /** PEFT's key of the shared up projection. */
  static final String KEY_B = "base_model.vera_B";

  /** The pair a tree's VeRA wrappers share. */
  record Pair(Tensor a, Tensor b) {}

  private VeraShared() {}

  private static boolean isVera(LoraWrapper w) {
    return w instanceof VeRAAdapter;
  }

  /**
   * The projections the VeRA wrappers of {@code tree} share, or null when there are none; an
   * {@link IllegalStateException} when they hold different pairs (PEFT's directory holds one).
   */
  static @Nullable Pair of(Layer tree, Map<Path, LoraWrapper> wrappers) {
    Pair first = null;
    Path firstPath = null;
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      if (!isVera(e.getValue())) {
        continue;
      }
      Tensor a = Tree.leaf(tree, e.getKey().child("veraA"));
      Tensor b = Tree.leaf(tree, e.getKey().child("veraB"));
      if (first == null) {
        first = new Pair(a, b);
        firstPath = e.getKey();
      } else if (!same(first.a(), a) || !same(first.b(), b)) {
        throw new IllegalStateException("saveAdapter: the VeRA layers at '" + firstPath + "' and '"
            + e.getKey() + "' hold different projections; a PEFT directory holds one shared pair"
            + " (adapt them in one lora(...) call)");
      }
    }
    return first;
  }

  private static boolean same(Tensor x, Tensor y) {
    return x == y || (Arrays.equals(x.shape(), y.shape()) && x.maxAbsDiff(y) == 0f);
  }

  /**
   * Refuses to save projections by seed unless regenerating them from each wrapper's seed gives
   * exactly the tensors it holds.
   */
  static void checkSeeded(Layer tree, Map<Path, LoraWrapper> wrappers) {
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      long seed;
      if (e.getValue() instanceof VeRAAdapter v) {
        seed = v.seed();
      } else {
        continue;
      }
      Tensor a = Tree.leaf(tree, e.getKey().child("veraA"));
      Tensor b = Tree.leaf(tree, e.getKey().child("veraB"));
      VeRAProjections p = VeRAProjections.generate(seed, a.dim(0), a.dim(1), b.dim(0));
      if (!same(p.a(), a) || !same(p.b(), b)) {
        throw new IllegalStateException("saveAdapter: the VeRA projections at '" + e.getKey()
            + "' are not the ones seed " + seed + " generates (they were loaded from a file);"
            + " save them STORED");
      }
    }
  }

  /** The file's pair placed at every VeRA wrapper's {@code veraA} / {@code veraB} leaf. */
  static Map<Path, Tensor> read(SafetensorsReader reader, Layer tree,
      Map<Path, LoraWrapper> wrappers) {
    java.nio.file.Path file = reader.file();
    for (String k : new String[] {KEY_A, KEY_B}) {
      if (!reader.contains(k)) {
        throw new CheckpointException(file, k, "is missing: a directory with one of VeRA's shared"
            + " projections must hold both " + KEY_A + " and " + KEY_B);
      }
    }
    Pair want = of(tree, wrappers);
    TensorReads.checkInfo(reader, KEY_A, want.a().shape(), "VeRA's shared A (r, in_max)");
    TensorReads.checkInfo(reader, KEY_B, want.b().shape(), "VeRA's shared B (out_max, r)");
    Tensor a = reader.tensor(KEY_A);
    Tensor b = reader.tensor(KEY_B);
    Map<Path, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      if (isVera(e.getValue())) {
        out.put(e.getKey().child("veraA"), a);
        out.put(e.getKey().child("veraB"), b);
      }
    }
    return out;
  }
}
