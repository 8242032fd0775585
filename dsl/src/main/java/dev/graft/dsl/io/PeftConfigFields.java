package dev.graft.dsl.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.dsl.lora.AdaptedLayers;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sets the descriptive fields of a saved PEFT adapter's {@code adapter_config.json} that a tree
 * cannot know: the Hub name of the base model ({@code base_model_name_or_path}) and the adapted
 * modules in PEFT's short form ({@code target_modules: ["query", "value"]}, which PEFT matches as
 * suffixes of module names) instead of the full paths {@link PeftAdapters#save} writes. When only
 * some layers of a stack are adapted, {@code layers_to_transform} and {@code layers_pattern} say
 * which, as PEFT expects. Loading reads neither field, so the adapter loads the same afterwards.
 * The weights and config are rewritten together, as {@link PeftAdapters#save} writes them (the
 * weights record the new config's hash).
 *
 * <pre>{@code
 * net.saveAdapter(dir);
 * PeftConfigFields.describe(net.module(), dir, "sentence-transformers/all-MiniLM-L6-v2",
 *     List.of("query", "value"));
 * }</pre>
 */
public final class PeftConfigFields {
  private static final Pattern LAYER = Pattern.compile("(?:^|\\.)layer\\.(\\d+)\\.");

  private PeftConfigFields() {}

  /**
   * Rewrites {@code dir/adapter_config.json}, saved from {@code tree}, with {@code baseModel} and
   * {@code targetModules}; every other field is kept. The short names must select exactly the
   * adapted modules of {@code tree} (PEFT's rule: a module whose dotted name is a target or
   * ends in {@code "." + target}), or exactly those within the adapted indices of a {@code
   * layer.N} stack, which are then written as {@code layers_to_transform}; otherwise a {@link
   * CheckpointException} naming the file and the first module that differs, and the files are
   * unchanged. A config that is not the one saved with the weights beside it is refused.
   */
  public static void describe(Layer tree, java.nio.file.Path dir, String baseModel,
      List<String> targetModules) {
    java.nio.file.Path file = dir.resolve(PeftAdapters.CONFIG);
    Set<String> adapted = new TreeSet<>();
    for (Path p : AdaptedLayers.of(tree).keySet()) {
      adapted.add(ModuleNames.dotted(p));
    }
    Set<String> selected = new TreeSet<>();
    for (Path p : Tree.nodes(tree)) {
      String name = ModuleNames.dotted(p);
      if (!p.isRoot() && targetModules.stream()
          .anyMatch(t -> name.equals(t) || name.endsWith("." + t))) {
        selected.add(name);
      }
    }
    Set<Integer> layers = new TreeSet<>();
    if (!selected.equals(adapted)) {
      for (String a : adapted) {
        Matcher m = LAYER.matcher(a);
        if (!m.find()) {
          throw mismatch(file, a, targetModules);
        }
        layers.add(Integer.parseInt(m.group(1)));
      }
      Set<String> inLayers = new TreeSet<>();
      for (String s : selected) {
        Matcher m = LAYER.matcher(s);
        if (m.find() && layers.contains(Integer.parseInt(m.group(1)))) {
          inLayers.add(s);
        }
      }
      if (!inLayers.equals(adapted)) {
        Set<String> diff = new TreeSet<>(inLayers);
        diff.addAll(adapted);
        diff.removeIf(x -> inLayers.contains(x) && adapted.contains(x));
        throw mismatch(file, diff.iterator().next(), targetModules);
      }
    }
    java.nio.file.Path weightsFile = dir.resolve(PeftAdapters.WEIGHTS);
    TensorFile weights = Safetensors.read(weightsFile);
    byte[] configBytes;
    try {
      configBytes = java.nio.file.Files.readAllBytes(file);
    } catch (java.io.IOException e) {
      throw new CheckpointException(file, null, "cannot be read: " + e, e);
    }
    AdapterFiles.checkPair(weightsFile, weights.metadata(), file, configBytes);
    JsonNode config = JsonFiles.readObject(file);
    @SuppressWarnings("unchecked")
    Map<String, Object> map = new ObjectMapper().convertValue(config, TreeMap.class);
    map.put("base_model_name_or_path", baseModel);
    map.put("target_modules", List.copyOf(targetModules));
    if (!layers.isEmpty()) {
      map.put("layers_to_transform", new ArrayList<>(layers));
      map.put("layers_pattern", "layer");
    }
    // The pair is rewritten as one, so the weights stay bound to the config they now sit beside.
    Map<String, String> meta = new java.util.LinkedHashMap<>(weights.metadata());
    meta.remove(AdapterFiles.CONFIG_HASH);
    AdapterFiles.write(dir, weights.tensors(), meta, map);
  }

  private static CheckpointException mismatch(java.nio.file.Path file, String module,
      List<String> targets) {
    return new CheckpointException(file, null, "target modules " + targets + " do not select "
        + "exactly the adapted modules: '" + module + "' is adapted or selected but not both");
  }
}
