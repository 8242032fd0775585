package dev.graft.dsl.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.dsl.Module;
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
 * trainable adapter tensors under PEFT's key names, {@value #CONFIG} says which method, rank and
 * scale made them.
 *
 * <pre>{@code
 * trained.saveAdapter(dir);                          // PeftAdapters.save(trained, dir)
 * Net again = Net.of(base).freeze().lora(spec).loadAdapter(dir);
 * }</pre>
 *
 * <h2>Keys</h2>
 * A tensor of the adapter at layer {@code encoder/layers/0} is stored as {@code
 * base_model.model.encoder.layers.0.<suffix>}, without PEFT's adapter name ({@code .default}),
 * as PEFT saves it. The suffixes and the reshapes to PEFT's shapes are in {@link PeftFields}:
 * {@code lora_A.weight} / {@code lora_B.weight} (LoRA, rsLoRA, LoRA-FA's {@code B}, DoRA, PiSSA,
 * MiLoRA; for a Conv, {@code A} as a kernel {@code (r, in/groups, *k)} and {@code B} as {@code
 * (out, r, 1, ...)}), {@code lora_magnitude_vector} (DoRA), {@code ia3_l}, {@code vera_lambda_b} /
 * {@code vera_lambda_d}, {@code lokr_w1} / {@code lokr_w2}, {@code oft_r}, and {@code
 * lora_R.weight} for LoRA-XS's {@code R (r, r)} (PEFT has no LoRA-XS; the name follows {@code
 * lora_A}/{@code lora_B}, a linear map {@code r → r}). Trainable leaves outside the adapters (an
 * unfrozen head) are saved as {@code base_model.model.<dotted leaf path>}, every leaf of their
 * module, which is listed in {@code modules_to_save}.
 *
 * <h2>Config</h2>
 * {@code peft_type} is {@code LORA} (with {@code use_rslora}, {@code use_dora}, {@code
 * init_lora_weights = "pissa" / "milora"}), {@code IA3}, {@code VERA}, {@code LOKR} or {@code OFT}
 * when every adapter is of that one method, else {@code GRAFT} (LoRA-XS, custom wrappers, or
 * several methods at once). {@code r}, {@code lora_alpha}, {@code rank_pattern}, {@code
 * alpha_pattern}, {@code target_modules} and the other PEFT fields follow; a {@code "graft"}
 * object records each adapted layer's class, rank, scale and (VeRA) seed so loading checks them
 * exactly. A config without it (written by PEFT) is checked through its PEFT fields.
 *
 * <h2>What loading needs</h2>
 * Only the trainable adapter tensors are stored. {@link #load} replaces exactly those (and the
 * {@code modules_to_save} leaves) in a net that is already adapted the same way (same wrapper
 * classes at the same paths, same ranks and scales) and keeps everything else it holds: the
 * frozen parts are not in the file and must already be right in the tree:
 * <ul>
 *   <li>LoRA-FA's frozen {@code A}, VeRA's shared {@code A} and {@code B} (regenerated from the
 *       seed, which the config records and loading checks), LoRA-XS's {@code A} and {@code B} and
 *       PiSSA's / MiLoRA's residual base: recreated by the same {@code lora(...)} call (same seed,
 *       same base weights) on the same base model;
 *   <li>so PEFT itself can load a {@code LORA} directory written here only when it holds {@code
 *       lora_A} too (not LoRA-FA), and PiSSA/MiLoRA only onto the residual base.
 * </ul>
 *
 * <h2>Conventions that differ from PEFT</h2>
 * Graft's LoKr factors crop a Kronecker product {@code (r·⌈out/r⌉, r·⌈in/r⌉)} to the weight and
 * flatten conv kernels; PEFT's LoKr matches only when {@code r} divides both sizes of a Linear.
 * Graft's OFT stores the full blocks {@code S} with {@code R = Cayley(S − Sᵀ)} rotating the input;
 * current PEFT stores an upper triangle under {@code oft_R.weight}: Graft's {@code oft_r} tensors
 * are for Graft. A grouped Conv's LoRA uses one {@code A} for every group (PEFT splits the rank
 * across groups).
 *
 * <p>Every problem is a {@link SafetensorsException} (malformed file) or {@link
 * CheckpointException} (file and net disagree) naming the file and key; the net passed in is
 * immutable and a failed load returns nothing. The two files are each replaced atomically.
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
    Map<Path, LoraWrapper> wrappers = adapters(net, "saveAdapter");
    Module tree = net.module();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      LoraWrapper w = e.getValue();
      for (String field : AdapterKinds.savedFields(w)) {
        Tensor t = Tree.leaf(tree, e.getKey().child(field));
        String key = ModuleNames.peftKey(e.getKey(), PeftFields.suffix(field));
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
    AdapterFiles.write(dir, tensors, Map.of("format", "pt"), config);
  }

  /**
   * {@code net} with its adapter tensors (and {@code modules_to_save} leaves, and VeRA's stored
   * projections) replaced from {@code dir}; trainability, selection and everything else are kept.
   * See the class comment for what the net must already hold.
   */
  public static Net load(Net net, java.nio.file.Path dir) {
    Map<Path, LoraWrapper> wrappers = adapters(net, "loadAdapter");
    Module tree = net.module();
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
          names.put(leaf, List.of(ModuleNames.peftKey(e.getKey(), PeftFields.suffix(field))));
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
    Net adapted = base.freeze().lora(specs(base, dir).toArray(LoraSpec[]::new));
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

  /** Whether {@code p} lies inside (or is) one of the adapted layers. */
  static boolean insideWrapper(Path p, Map<Path, LoraWrapper> wrappers) {
    for (Path w : wrappers.keySet()) {
      if (p.startsWith(w)) {
        return true;
      }
    }
    return false;
  }

  private static Map<Path, LoraWrapper> adapters(Net net, String op) {
    Map<Path, LoraWrapper> wrappers = net.adapters();
    if (wrappers.isEmpty()) {
      throw new IllegalStateException(op + ": the net has no adapters" + (net.isMerged()
          ? " (they are merged; call unmerge() first)" : ""));
    }
    return wrappers;
  }

  /**
   * The nearest module above each trainable leaf outside the adapters, in tree order: PEFT's
   * {@code modules_to_save}.
   */
  private static List<Path> modulesToSave(Net net, Map<Path, LoraWrapper> wrappers) {
    Module tree = net.module();
    Set<Path> out = new LinkedHashSet<>();
    for (Path leaf : net.trainablePaths()) {
      if (insideWrapper(leaf, wrappers)) {
        continue;
      }
      Path m = leaf.parent();
      while (!m.isRoot() && !(Tree.get(tree, m) instanceof Module)) {
        m = m.parent();
      }
      out.add(m);
    }
    return new ArrayList<>(out);
  }

  /** Every leaf under {@code modules} and outside the adapters, in tree order, once. */
  private static List<Path> extraLeaves(Module tree, List<Path> modules,
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
