package dev.graft.dsl.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.tree.Mask;
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
 * them. Checked against files the real PEFT 0.21 wrote, both ways.
 *
 * <pre>{@code
 * Net adapted = PeftAdapters.loadOnto(Net.of(model), dir);   // a PEFT folder onto a plain model
 * trained.saveAdapter(dir);                                  // PeftAdapters.save(trained, dir)
 * Net again = Net.of(base).freeze().lora(spec).loadAdapter(dir);   // onto a net adapted alike
 * }</pre>
 *
 * <h2>Entry points</h2>
 * <ul>
 *   <li>{@link #specs}: the {@code lora(...)} specs a config describes (kind, layers, ranks);
 *   <li>{@link #loadOnto}: a plain model frozen, adapted by those specs, and loaded, as {@code
 *       PeftModel.from_pretrained} does;
 *   <li>{@link #load}: the tensors of a directory into a net already adapted the same way (the
 *       config is checked against it; Graft-only directories load this way only);
 *   <li>{@link #save}: the directory for a net's adapters; {@link #relativeTo} first turns MiLoRA
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
   * Writes the adapters of {@code net} (and its trainable leaves outside them) to {@code dir},
   * created if absent; VeRA's projections are {@linkplain VeraProjections#STORED stored}.
   */
  public static void save(Net net, java.nio.file.Path dir) {
    save(net, dir, VeraProjections.STORED);
  }

  /**
   * Writes the adapters of {@code net} (and its trainable leaves outside them) to {@code dir},
   * created if absent, with VeRA's projections saved as {@code vera} says. The weights and the
   * config are replaced as one (see {@link AdapterFiles}).
   */
  public static void save(Net net, java.nio.file.Path dir, VeraProjections vera) {
    save(net, dir, vera, Map.of());
  }

  /** {@link #save(Net, java.nio.file.Path, VeraProjections)} with Graft's frozen file too. */
  static void save(Net net, java.nio.file.Path dir, VeraProjections vera,
      Map<String, Tensor> frozen) {
    Map<Path, LoraWrapper> wrappers = adapters(net, "saveAdapter");
    Layer tree = net.module();
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
    List<Path> modules = modulesToSave(net, wrappers);
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
   * {@code net} with its adapter tensors (and {@code modules_to_save} leaves, and VeRA's stored
   * projections) replaced from {@code dir}; trainability, selection and everything else are kept.
   * See the class comment for what the net must already hold.
   */
  public static Net load(Net net, java.nio.file.Path dir) {
    Map<Path, LoraWrapper> wrappers = adapters(net, "loadAdapter");
    Layer tree = net.module();
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
      return net.withModule(Checkpoints.combine(weights, tree, loaded));
    }
  }

  /**
   * The {@code lora(...)} specs that adapt the plain model of {@code base} the way {@code dir}'s
   * {@value #CONFIG} (written by PEFT or by Graft for PEFT) describes: its layers, zoo kind,
   * ranks and alphas (see {@link PeftSpecs} for the rules). Graft-only directories are refused:
   * they need the {@code lora(...)} call that made them.
   */
  public static List<LoraSpec> specs(Net base, java.nio.file.Path dir) {
    java.nio.file.Path configFile = dir.resolve(CONFIG);
    return PeftSpecs.of(configFile, JsonFiles.readObject(configFile), base.module());
  }

  /**
   * A PEFT directory applied to a plain model, as {@code PeftModel.from_pretrained(model, dir)}
   * does: {@code base} frozen, adapted by {@link #specs}, its adapter tensors (and VeRA's stored
   * projections, and {@code modules_to_save} leaves, which are left trainable) read from {@code
   * dir} by {@link #load}. PiSSA's residual is rebuilt from {@code base}'s weights, as PEFT does.
   */
  public static Net loadOnto(Net base, java.nio.file.Path dir) {
    Net adapted;
    try {
      adapted = base.freeze().lora(specs(base, dir).toArray(LoraSpec[]::new));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(dir.resolve(CONFIG), null, "describes adapters this model"
          + " cannot take: " + e.getMessage(), e);
    }
    Net loaded = load(adapted, dir);
    JsonNode config = JsonFiles.readObject(dir.resolve(CONFIG));
    List<Path> modules = PeftConfig.modulesToSave(dir.resolve(CONFIG), config, loaded.module(),
        loaded.adapters());
    if (modules.isEmpty()) {
      return loaded;
    }
    return loaded.unfreeze(Mask.where((p, t) -> {
      for (Path m : modules) {
        if (p.startsWith(m)) {
          return true;
        }
      }
      return false;
    }));
  }

  /**
   * {@code net} with its MiLoRA and PiSSA layers (Linear) re-expressed as plain LoRA of rank
   * {@code 2r} over {@code original}'s weights (the plain model they were made from), computing
   * the same function: the form PEFT loads onto the original model. Save the result with {@link
   * #save} to hand a MiLoRA adapter to PEFT (MiLoRA itself is Graft-only: PEFT has no such
   * initialization). Other layers are kept. See {@link SvdToLora}.
   */
  public static Net relativeTo(Net net, Net original) {
    return SvdToLora.convert(net, original);
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

  static Map<Path, LoraWrapper> adapters(Net net, String op) {
    Map<Path, LoraWrapper> wrappers = net.adapters();
    if (wrappers.isEmpty() || net.isMerged() || net.isDisabled()) {
      // a net with some layers merged or disabled would save or load only the others
      throw new IllegalStateException(op + ": the net has " + (wrappers.isEmpty()
          ? "no adapters" : "adapters set aside") + (net.isMerged()
          ? " (they are merged; call unmerge() first)" : net.isDisabled()
          ? " (they are disabled; call enableAdapters() first)" : ""));
    }
    return wrappers;
  }

  /**
   * The nearest module above each trainable leaf outside the adapters, in tree order: PEFT's
   * {@code modules_to_save}.
   */
  private static List<Path> modulesToSave(Net net, Map<Path, LoraWrapper> wrappers) {
    Layer tree = net.module();
    Set<Path> out = new LinkedHashSet<>();
    for (Path leaf : net.trainablePaths()) {
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
