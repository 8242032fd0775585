package dev.graft.dsl.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.dsl.lora.AdaptedLayers;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adapters saved and loaded in Hugging Face PEFT's directory layout: {@value #WEIGHTS} holds the
 * adapter tensors under PEFT's key names, {@value #CONFIG} says which method, rank and scale made
 * them. Checked against files the real PEFT 0.21 wrote, both ways. This class works on trees
 * (and the trainable paths, where saving needs them); the {@code Net} facade delegates here and
 * adds its own checks (adapters merged or disabled are refused).
 *
 * <pre>{@code
 * Net adapted = Net.of(model).loadPeft(dir);                 // a PEFT folder onto a plain model
 * trained.saveAdapter(dir);                                  // PeftAdapters.save(tree, paths, dir)
 * Net again = Net.of(base).freeze().lora(spec).loadAdapter(dir);   // onto a net adapted alike
 * }</pre>
 *
 * <h2>Entry points</h2>
 * <ul>
 *   <li>{@link #specs}: the {@code lora(...)} specs a config describes (kind, layers, ranks);
 *       {@code Net.loadPeft} freezes a plain model, adapts it by those specs and loads it, as
 *       {@code PeftModel.from_pretrained} does, unfreezing the {@link #modulesToSave};
 *   <li>{@link #load}: the tensors of a directory into a tree already adapted the same way (the
 *       config is checked against it; Graft-only directories load this way only);
 *   <li>{@link #save}: the directory for a tree's adapters; {@link #relativeTo} first turns MiLoRA
 *       and PiSSA into the plain LoRA PEFT loads onto the original weights.
 * </ul>
 *
 * <h2>Keys</h2>
 * A tensor of the adapter at layer {@code encoder/layers/0} is stored as {@code
 * base_model.model.encoder.layers.0.<suffix>}, without PEFT's adapter name ({@code .default}),
 * as PEFT saves it; the suffixes and reshapes are in {@link PeftFields}. LoRA-FA's frozen {@code
 * A} is stored too (PEFT reads the folder as the plain LoRA it is). VeRA's shared projections
 * are stored once as {@code base_model.vera_A} / {@code base_model.vera_B} ({@link VeraShared}).
 * Trainable leaves outside the adapters (an unfrozen head) are saved as {@code
 * base_model.model.<dotted leaf path>}, every leaf of their module, listed in {@code
 * modules_to_save}.
 *
 * <h2>Config</h2>
 * {@code peft_type} is {@code LORA} (with {@code use_rslora}, {@code use_dora}, {@code
 * init_lora_weights = "pissa"}), {@code IA3}, {@code VERA} ({@code save_projection = true}),
 * {@code LOKR} ({@link dev.graft.dsl.lora.PeftLoKrLinear}, {@link
 * dev.graft.dsl.lora.PeftLoKrConv}) or {@code OFT} ({@link
 * dev.graft.dsl.lora.PeftOFTLinear}) when every adapter is of that one PEFT form. A net PEFT
 * cannot read with the same meaning (LoRA-XS, MiLoRA, the zoo's own LoKr and OFT, VeRA on Conv,
 * custom wrappers, several methods, VeRA saved {@linkplain VeraProjections#SEEDED by seed}) is
 * written with {@code peft_type} {@value AdapterKinds#GRAFT}: PEFT fails on it with {@code
 * KeyError} quoting that sentence, and {@code graft_only_reason} says why. A {@code "graft"}
 * object records each adapted layer's class, rank, scale and (VeRA) seed so Graft's loading
 * checks them exactly; a config without it (written by PEFT) is checked through its PEFT fields,
 * including the OFT options that change the meaning without changing a shape. {@code
 * rank_pattern} / {@code alpha_pattern} keys follow PEFT's rule ({@link PeftPatterns}), matched in
 * linear time.
 *
 * <h2>The two files</h2>
 * They are written as one ({@link AdapterFiles}): the weights record the SHA-256 of the config,
 * a failed save leaves the previous pair, and a pair from two saves is refused on load. Graft's
 * named adapters add a third file of frozen tensors to the same write ({@link GraftFrozen}); a
 * save without it removes a stale one, and {@link #load} refuses one the weights do not bind.
 *
 * <p>Every problem is a {@link SafetensorsException} (malformed file) or {@link
 * CheckpointException} (file and net disagree) naming the file and key; the net passed in is
 * immutable and a failed load returns nothing.
 */
public final class PeftAdapters {
  /** The weights file's name inside an adapter directory. */
  public static final String WEIGHTS = "adapter_model.safetensors";
  /** The config file's name inside an adapter directory. */
  public static final String CONFIG = "adapter_config.json";

  private PeftAdapters() {}

  /** How VeRA's shared frozen projections are saved. */
  public enum VeraProjections {
    /**
     * Stored as {@code base_model.vera_A} / {@code base_model.vera_B} with {@code
     * save_projection = true}, as PEFT saves them by default: PEFT and Graft both load them. The
     * default.
     */
    STORED,
    /**
     * Not stored: Graft regenerates them from the seed the config records. PEFT cannot (it draws
     * them with torch's generator), so the directory is written as Graft-only, and saving fails
     * unless the projections really are the seed's (not loaded from a file).
     */
    SEEDED
  }

  /**
   * Writes the adapters of {@code tree} (and the leaves of {@code trainable} outside them) to
   * {@code dir}, created if absent; VeRA's projections are {@linkplain VeraProjections#STORED
   * stored}.
   */
  public static void save(Layer tree, List<Path> trainable, java.nio.file.Path dir) {
    save(tree, trainable, dir, VeraProjections.STORED);
  }

  /**
   * Writes the adapters of {@code tree} (and the leaves of {@code trainable} outside them, with
   * their modules: PEFT's {@code modules_to_save}) to {@code dir}, created if absent, with VeRA's
   * projections saved as {@code vera} says. The weights and the config are replaced as one (see
   * {@link AdapterFiles}).
   *
   * @throws IllegalStateException when the tree holds no adapter
   */
  public static void save(Layer tree, List<Path> trainable, java.nio.file.Path dir,
      VeraProjections vera) {
    save(tree, trainable, dir, vera, Map.of());
  }

  /** {@link #save(Layer, List, java.nio.file.Path, VeraProjections)} with Graft's frozen file. */
  static void save(Layer tree, List<Path> trainable, java.nio.file.Path dir, VeraProjections vera,
      Map<String, Tensor> frozen) {
    Map<Path, LoraWrapper> wrappers = adapters(tree, "saveAdapter");
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      LoraWrapper w = e.getValue();
      for (String field : AdapterKinds.savedFields(w)) {
        Tensor t = Tree.leaf(tree, e.getKey().child(field));
        String key = ModuleNames.peftKey(e.getKey(), PeftFields.suffix(w, field));
        put(tensors, key, t.reshape(PeftFields.fileShape(w.base(), field, t)));
      }
    }
    VeraShared.Pair shared = VeraShared.of(tree, wrappers);
    if (shared != null) {
      if (vera == VeraProjections.STORED) {
        put(tensors, VeraShared.KEY_A, shared.a());
        put(tensors, VeraShared.KEY_B, shared.b());
      } else {
        VeraShared.checkSeeded(tree, wrappers);
      }
    }
    List<Path> modules = modulesToSave(tree, trainable, wrappers);
    for (Path leaf : extraLeaves(tree, modules, wrappers)) {
      put(tensors, ModuleNames.PEFT_PREFIX + ModuleNames.dotted(leaf), Tree.leaf(tree, leaf));
    }
    Map<String, Object> config = PeftConfig.build(wrappers, modules,
        shared != null && vera == VeraProjections.SEEDED);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new SafetensorsException(dir, null, "cannot create the adapter directory: " + e, e);
    }
    AdapterFiles.write(dir, tensors, Map.of("format", "pt"), config, frozen);
  }

  /**
   * {@code tree} with its adapter tensors (and {@code modules_to_save} leaves, and VeRA's stored
   * projections) replaced from {@code dir}; everything else is kept. See the class comment for
   * what the tree must already hold.
   *
   * @throws IllegalStateException when the tree holds no adapter
   */
  public static Layer load(Layer tree, java.nio.file.Path dir) {
    Map<Path, LoraWrapper> wrappers = adapters(tree, "loadAdapter");
    java.nio.file.Path configFile = dir.resolve(CONFIG);
    java.nio.file.Path weights = dir.resolve(WEIGHTS);
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException(dir, null, "is not a directory holding " + WEIGHTS + " and "
          + CONFIG);
    }
    byte[] configBytes = JsonFiles.readBytes(configFile);
    JsonNode config = JsonFiles.parseObject(configFile, configBytes);
    try (SafetensorsReader reader = Safetensors.open(weights)) {
      AdapterFiles.checkPair(weights, reader.metadata(), configFile, configBytes);
      AdapterFiles.checkFrozen(weights, reader.metadata());
      boolean projections = reader.contains(VeraShared.KEY_A) || reader.contains(VeraShared.KEY_B);
      List<Path> modules = PeftConfig.check(configFile, config, tree, wrappers, projections);

      // Each leaf to load, its key and the shape it has in the file.
      Map<Path, List<String>> names = new LinkedHashMap<>();
      Map<Path, int[]> fileShapes = new LinkedHashMap<>();
      for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
        LoraWrapper w = e.getValue();
        for (String field : AdapterKinds.savedFields(w)) {
          Path leaf = e.getKey().child(field);
          Tensor t = Tree.leaf(tree, leaf);
          names.put(leaf, List.of(ModuleNames.peftKey(e.getKey(), PeftFields.suffix(w, field))));
          fileShapes.put(leaf, PeftFields.fileShape(w.base(), field, t));
        }
      }
      for (Path leaf : extraLeaves(tree, modules, wrappers)) {
        names.put(leaf, List.of(ModuleNames.PEFT_PREFIX + ModuleNames.dotted(leaf)));
        fileShapes.put(leaf, Tree.leaf(tree, leaf).shape());
      }
      Set<String> keys = new LinkedHashSet<>(reader.keys());
      Map<Path, Tensor> loaded = new LinkedHashMap<>();
      if (projections && VeraShared.of(tree, wrappers) != null) {
        loaded.putAll(VeraShared.read(reader, tree, wrappers));
        keys.remove(VeraShared.KEY_A);
        keys.remove(VeraShared.KEY_B);
      }
      Map<Path, String> matched = KeyMatch.match(weights, keys, names, "");
      for (Map.Entry<Path, String> e : matched.entrySet()) {
        TensorReads.checkInfo(reader, e.getValue(), fileShapes.get(e.getKey()),
            "'" + e.getKey() + "'");
      }
      for (Map.Entry<Path, String> e : matched.entrySet()) {
        int[] shape = Tree.leaf(tree, e.getKey()).shape();
        loaded.put(e.getKey(), reader.tensor(e.getValue()).reshape(shape));
      }
      return Checkpoints.combine(weights, tree, loaded);
    }
  }

  /**
   * The {@code lora(...)} specs that adapt the plain model of {@code base} the way {@code dir}'s
   * {@value #CONFIG} (written by PEFT or by Graft for PEFT) describes: its layers, zoo kind,
   * ranks and alphas (see {@link PeftSpecs} for the rules). Graft-only directories are refused:
   * they need the {@code lora(...)} call that made them.
   */
  public static List<LoraSpec> specs(Layer base, java.nio.file.Path dir) {
    java.nio.file.Path configFile = dir.resolve(CONFIG);
    return PeftSpecs.of(configFile, JsonFiles.readObject(configFile), base);
  }

  /**
   * The modules of {@code loaded} (a tree adapted and loaded from {@code dir}) that {@code dir}'s
   * config lists in {@code modules_to_save}: their leaves were saved whole and train, as PEFT's
   * {@code PeftModel.from_pretrained} leaves them.
   */
  public static List<Path> modulesToSave(Layer loaded, java.nio.file.Path dir) {
    java.nio.file.Path configFile = dir.resolve(CONFIG);
    return PeftConfig.modulesToSave(configFile, JsonFiles.readObject(configFile), loaded,
        AdaptedLayers.of(loaded));
  }

  /**
   * {@code tree} with its MiLoRA and PiSSA layers (Linear) re-expressed as plain LoRA of rank
   * {@code 2r} over {@code original}'s weights (the plain model they were made from), computing
   * the same function: the form PEFT loads onto the original model. Save the result with {@link
   * #save} to hand a MiLoRA adapter to PEFT (MiLoRA itself is Graft-only: PEFT has no such
   * initialization). Other layers are kept; the new factors are at the paths of the old ones
   * ({@code loraA}, {@code loraB}), so the trainable paths stay valid. See {@link SvdToLora}.
   */
  public static Layer relativeTo(Layer tree, Layer original) {
    return SvdToLora.convert(tree, original);
  }

  /** Whether {@code p} lies inside (or is) one of the adapted layers. */
  static boolean insideWrapper(Path p, Map<Path, LoraWrapper> wrappers) {
    for (Path w : wrappers.keySet()) {
      if (p.startsWith(w)) {
        return true;
      }
    }
    return false;
  }

  static Map<Path, LoraWrapper> adapters(Layer tree, String op) {
    Map<Path, LoraWrapper> wrappers = AdaptedLayers.of(tree);
    if (wrappers.isEmpty()) {
      throw new IllegalStateException(op + ": the net has no adapters");
    }
    return wrappers;
  }

  /**
   * The nearest module above each trainable leaf outside the adapters, in tree order: PEFT's
   * {@code modules_to_save}.
   */
  private static List<Path> modulesToSave(Layer tree, List<Path> trainable,
      Map<Path, LoraWrapper> wrappers) {
    Set<Path> out = new LinkedHashSet<>();
    for (Path leaf : trainable) {
      if (insideWrapper(leaf, wrappers)) {
        continue;
      }
      Path m = leaf.parent();
      while (!m.isRoot() && !(Tree.get(tree, m) instanceof Layer)) {
        m = m.parent();
      }
      out.add(m);
    }
    return new ArrayList<>(out);
  }

  /** Every leaf under {@code modules} and outside the adapters, in tree order, once. */
  private static List<Path> extraLeaves(Layer tree, List<Path> modules,
      Map<Path, LoraWrapper> wrappers) {
    List<Path> out = new ArrayList<>();
    for (Path leaf : Tree.paths(tree)) {
      if (insideWrapper(leaf, wrappers)) {
        continue;
      }
      for (Path m : modules) {
        if (leaf.startsWith(m)) {
          out.add(leaf);
          break;
        }
      }
    }
    return out;
  }

  private static void put(Map<String, Tensor> tensors, String key, Tensor t) {
    if (tensors.putIfAbsent(key, t) != null) {
      throw new IllegalStateException("saveAdapter: two tensors would be stored under '" + key
          + "'; rename one of the fields or modules");
    }
  }
}
