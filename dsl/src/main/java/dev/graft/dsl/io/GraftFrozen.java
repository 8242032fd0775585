package dev.graft.dsl.io;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.lora.VeRAAdapter;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An adapter directory with Graft's third file, {@value #FILE}: the frozen adapter tensors that
 * neither the base, nor the config, nor {@value PeftAdapters#WEIGHTS} can give back (LoRA-XS's
 * {@code A} and {@code B}, for instance; LoRA-FA's {@code A} and VeRA's stored projections are in
 * the weights already and are not written twice). It is written in the same atomic step as the
 * weights and the config, which record its SHA-256, so a frozen file from another save, or a
 * missing one, is refused on load (see {@link AdapterFiles}).
 */
public final class GraftFrozen {
  /** The file of frozen adapter tensors only Graft reads. */
  public static final String FILE = AdapterFiles.FROZEN;

  private GraftFrozen() {}

  /**
   * {@link PeftAdapters#save(Layer, List, java.nio.file.Path)} with the frozen tensors the weights
   * lack written to {@value #FILE} as part of the same save (and a stale one removed with it).
   */
  public static void save(Layer tree, List<Path> trainable, java.nio.file.Path dir) {
    Map<Path, LoraWrapper> wrappers = PeftAdapters.adapters(tree, "saveAdapter");
    Map<String, Tensor> frozen = new LinkedHashMap<>();
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      for (Map.Entry<Path, Tensor> leaf : lacking(e.getValue()).entrySet()) {
        frozen.put(e.getKey().resolve(leaf.getKey()).toString(), leaf.getValue());
      }
    }
    PeftAdapters.save(tree, trainable, dir, PeftAdapters.VeraProjections.STORED, frozen);
  }

  /**
   * The frozen file of {@code dir} to read, or null when it has none; a {@link
   * CheckpointException} naming the file when the weights beside it were saved with another one,
   * with none, or with one that is missing.
   */
  public static java.nio.file.@Nullable Path check(java.nio.file.Path dir) {
    java.nio.file.Path weights = dir.resolve(PeftAdapters.WEIGHTS);
    try (SafetensorsReader reader = Safetensors.open(weights)) {
      return AdapterFiles.checkFrozen(weights, reader.metadata());
    }
  }

  /**
   * The wrapper's leaves that a stored save does not put in the weights: outside its base, its
   * trainable fields, its other saved fields, and VeRA's projections.
   */
  static Map<Path, Tensor> lacking(LoraWrapper w) {
    Set<String> inWeights = new HashSet<>(AdapterKinds.savedFields(w));
    inWeights.addAll(w.adapterFields());
    inWeights.add("base");
    if (w instanceof VeRAAdapter) {
      inWeights.add("veraA");
      inWeights.add("veraB");
    }
    Map<Path, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<Path, Tensor> leaf : Tree.leavesByPath((Layer) w).entrySet()) {
      if (!inWeights.contains(leaf.getKey().segment(0))) {
        out.put(leaf.getKey(), leaf.getValue());
      }
    }
    return out;
  }
}
