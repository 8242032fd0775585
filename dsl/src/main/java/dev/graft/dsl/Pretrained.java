package dev.graft.dsl;

import dev.graft.dsl.tree.Layer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.dsl.io.CheckpointException;
import dev.graft.dsl.io.GraftFrozen;
import dev.graft.dsl.io.PeftAdapters;
import dev.graft.dsl.io.Safetensors;
import dev.graft.dsl.io.SafetensorsReader;
import dev.graft.dsl.lora.AdapterConfig;
import dev.graft.dsl.lora.AdapterFactory;
import dev.graft.dsl.lora.AdapterKind;
import dev.graft.dsl.lora.AdapterSet;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.lora.RsLoRAAdapter;
import dev.graft.dsl.tree.Mask;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Named adapters on disk in PEFT's layout, and a net built from a directory alone ({@code
 * PeftModel.from_pretrained}): the {@code "default"} adapter at the root of the directory, every
 * other in a subfolder named after it, each an ordinary {@link PeftAdapters} directory. Tensors an
 * adapter keeps frozen that neither the base, the config nor the weights can give back (LoRA-XS's
 * {@code A} and {@code B}) are written to {@value #FROZEN}, a file only Graft reads, in the same
 * atomic save as the PEFT files ({@link GraftFrozen}).
 *
 * <p>{@link #fromPretrained} builds each adapter from the {@code "graft"} object of its config
 * (the class, rank, scale and seed of every layer): the class's {@code FACTORY} builds it on the
 * original layer (PiSSA and MiLoRA redo their SVD split, which is deterministic), the exact
 * scale and seed are set, the frozen tensors come from {@value #FROZEN}, then the trainable ones
 * are loaded by {@link PeftAdapters#load}, which checks everything again.
 */
final class Pretrained {
  /** The file of frozen adapter tensors the base and the config cannot recreate. */
  static final String FROZEN = GraftFrozen.FILE;

  private static final ObjectMapper JSON = new ObjectMapper();

  private Pretrained() {}

  // ------------------------------------------------------------------ saving

  static void save(Net net, java.nio.file.Path dir) {
    PeftNet.requireActive(net, "saveAdapter");
    AdapterTable state = AdapterTable.read(net, "saveAdapter");
    if (state.bare()) {
      PeftNet.save(net, dir);
      return;
    }
    for (String name : state.names) {
      if (name.equals(PeftAdapters.WEIGHTS) || name.equals(PeftAdapters.CONFIG)
          || name.equals(FROZEN)) {
        throw new IllegalArgumentException("saveAdapter: adapter '" + name + "' would be saved"
            + " in a folder named like one of the adapter files; rename it");
      }
    }
    for (String name : state.names) {
      Net view = view(net, state, name);
      java.nio.file.Path d = folder(dir, name);
      PeftNet.save(view, d);
    }
  }

  static java.nio.file.Path folder(java.nio.file.Path dir, String name) {
    return name.equals(AdapterSet.DEFAULT) ? dir : dir.resolve(name);
  }

  /**
   * A single-adapter net: the plain tree with adapter {@code name}'s wrappers in place, its
   * fields and the net's trainable leaves outside the adapted layers trainable.
   */
  static Net view(Net net, AdapterTable state, String name) {
    Layer tree = state.plain("saveAdapter", net.module());
    List<Path> trainable = new ArrayList<>();
    for (Path p : net.trainablePaths()) {
      if (state.layers.keySet().stream().noneMatch(p::startsWith)) {
        trainable.add(p);
      }
    }
    for (Map.Entry<Path, AdapterTable.Site> e : state.layers.entrySet()) {
      LoraWrapper w = e.getValue().adapters.get(name);
      if (w != null) {
        tree = Tree.set(tree, e.getKey(), w);
        for (String f : w.adapterFields()) {
          trainable.add(e.getKey().child(f));
        }
      }
    }
    return Net.of(tree).freeze().unfreeze(Mask.of(trainable));
  }

  // ------------------------------------------------------------------ loading

  static Net fromPretrained(Layer base, java.nio.file.Path dir) {
    Map<String, java.nio.file.Path> dirs = adapterDirs(dir);
    AdapterTable state = AdapterTable.read(Net.of(base), "fromPretrained");
    if (!state.layers.isEmpty()) {
      throw new IllegalArgumentException("fromPretrained: the base already holds adapters at "
          + state.layers.keySet() + "; pass the model without them");
    }
    Layer tree = base;
    Map<Path, Tensor> extras = new LinkedHashMap<>();
    Map<String, Tensor> interned = new LinkedHashMap<>();
    for (Map.Entry<String, java.nio.file.Path> e : dirs.entrySet()) {
      Net loaded = loadOne(base, e.getValue(), interned);
      Map<Path, LoraWrapper> wrappers = loaded.adapters();
      for (Map.Entry<Path, Tensor> leaf : Tree.leavesByPath(loaded.module()).entrySet()) {
        Path p = leaf.getKey();
        if (wrappers.keySet().stream().anyMatch(p::startsWith)
            || leaf.getValue() == Tree.leaf(base, p)) {
          continue;
        }
        Tensor before = extras.putIfAbsent(p, leaf.getValue());
        if (before != null && !Arrays.equals(before.toArray(), leaf.getValue().toArray())) {
          throw new CheckpointException(e.getValue(), null, "holds a value for '" + p
              + "' (modules_to_save) that differs from another adapter's; load them separately");
        }
      }
      state.names.add(e.getKey());
      ManyAdapters.put(state, e.getKey(), wrappers, base, "fromPretrained");
    }
    if (!extras.isEmpty()) {
      tree = Tree.combine(tree, extras);
    }
    state.active.add(state.names.get(0));
    return state.write(Net.of(tree).freeze(), "fromPretrained", true);
  }

  /** "default" for the root, then each subfolder holding a config, by name. */
  private static Map<String, java.nio.file.Path> adapterDirs(java.nio.file.Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException(dir, null, "is not a directory");
    }
    Map<String, java.nio.file.Path> out = new LinkedHashMap<>();
    if (Files.isRegularFile(dir.resolve(PeftAdapters.CONFIG))) {
      out.put(AdapterSet.DEFAULT, dir);
    }
    try (Stream<java.nio.file.Path> s = Files.list(dir)) {
      s.filter(p -> Files.isRegularFile(p.resolve(PeftAdapters.CONFIG)))
          .map(p -> p.getFileName().toString()).sorted()
          .forEach(n -> {
            AdapterSet.checkName("fromPretrained", n);
            if (out.put(n, dir.resolve(n)) != null) {
              throw new CheckpointException(dir, null, "holds an adapter at its root and one in"
                  + " the subfolder '" + n + "'");
            }
          });
    } catch (IOException ex) {
      throw new CheckpointException(dir, null, "cannot list the directory: " + ex, ex);
    }
    if (out.isEmpty()) {
      throw new CheckpointException(dir, null, "holds no " + PeftAdapters.CONFIG
          + ", neither at its root nor in a subfolder");
    }
    return out;
  }

  /** The base with the one adapter of {@code dir} built and loaded, as a single-adapter net. */
  static Net loadOne(Layer base, java.nio.file.Path dir, Map<String, Tensor> interned) {
    java.nio.file.Path configFile = dir.resolve(PeftAdapters.CONFIG);
    JsonNode config;
    try {
      config = JSON.readTree(configFile.toFile());
    } catch (IOException ex) {
      throw new CheckpointException(configFile, null, "cannot be read as JSON: " + ex.getMessage(),
          ex);
    }
    if (config == null || !config.isObject()) {
      throw new CheckpointException(configFile, null, "is not a JSON object");
    }
    JsonNode layers = config.path("graft").get("layers");
    if (layers == null || !layers.isObject()) {
      // Written by PEFT itself: its config fields say which layers, kinds, ranks and scales.
      return PeftNet.loadOnto(Net.of(base).freeze(), dir);
    }
    Layer tree = readFrozen(dir, fromGraft(configFile, config, layers, base), interned);
    Net net = Net.of(tree).freeze();
    return PeftNet.load(net, dir);
  }

  /** The wrappers a {@code "graft"} description gives, in place on {@code base}. */
  private static Layer fromGraft(java.nio.file.Path configFile, JsonNode config,
      JsonNode layers, Layer base) {
    double dropout = config.path("lora_dropout").asDouble(config.path("vera_dropout")
        .asDouble(0.0));
    // Build every layer's wrapper with its class's factory, grouped so prepare sees all bases.
    Map<AdapterFactory, List<Path>> groups = new LinkedHashMap<>();
    Map<Path, JsonNode> described = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : layers.properties()) {
      Path path;
      try {
        path = Path.of(e.getKey());
      } catch (IllegalArgumentException ex) {
        throw new CheckpointException(configFile, null, "names layer '" + e.getKey()
            + "', which is not a path");
      }
      Object node;
      try {
        node = Tree.get(base, path);
      } catch (RuntimeException ex) {
        throw new CheckpointException(configFile, null, "describes an adapter at '" + path
            + "', which the base does not have: " + ex.getMessage());
      }
      if (!(node instanceof Layer)) {
        throw new CheckpointException(configFile, null, "describes an adapter at '" + path
            + "', which is not a layer of the base");
      }
      groups.computeIfAbsent(factory(configFile, path, e.getValue()), k -> new ArrayList<>())
          .add(path);
      described.put(path, e.getValue());
    }
    Layer tree = base;
    for (Map.Entry<AdapterFactory, List<Path>> g : groups.entrySet()) {
      List<Layer> bases = new ArrayList<>();
      for (Path p : g.getValue()) {
        bases.add((Layer) Tree.get(base, p));
      }
      JsonNode first = described.get(g.getValue().get(0));
      AdapterFactory bound = g.getKey().prepare(bases, adapterConfig(first, dropout, g.getKey()));
      for (Path p : g.getValue()) {
        JsonNode d = described.get(p);
        LoraWrapper w;
        try {
          w = bound.create((Layer) Tree.get(base, p), adapterConfig(d, dropout, g.getKey()));
          w = withStatics(w, d);
        } catch (IllegalArgumentException ex) {
          throw new CheckpointException(configFile, null, "layer '" + p + "': "
              + ex.getMessage(), ex);
        }
        tree = Tree.set(tree, p, w);
      }
    }
    return tree;
  }

  private static AdapterFactory factory(java.nio.file.Path file, Path path, JsonNode layer) {
    String cls = layer.path("class").asText("");
    try {
      Object f = Class.forName(cls).getField("FACTORY").get(null);
      if (f instanceof AdapterFactory af) {
        return af;
      }
    } catch (ReflectiveOperationException | LinkageError | RuntimeException ex) {
      // reported below
    }
    throw new CheckpointException(file, null, "layer '" + path + "' is a '" + cls + "', which is"
        + " not a class with a public static AdapterFactory FACTORY on the class path");
  }

  private static AdapterConfig adapterConfig(JsonNode layer, double dropout, AdapterFactory f) {
    int rank = Math.max(1, layer.path("rank").asInt(1));
    double alpha = rank;
    if (layer.has("scale")) {
      double s = layer.get("scale").asDouble();
      boolean rs = AdapterKind.of(f).orElse(null) == RsLoRAAdapter.KIND;
      alpha = rs ? s * Math.sqrt(rank) : s * rank;
    }
    long seed = layer.path("seed").asLong(0L);
    return new AdapterConfig(rank, alpha, dropout, Key.of(seed));
  }

  /** {@code w} with its {@code scale} and {@code seed} components set exactly as described. */
  private static LoraWrapper withStatics(LoraWrapper w, JsonNode layer) {
    RecordComponent[] rc = w.getClass().getRecordComponents();
    if (rc == null) {
      return w;
    }
    Object[] args = new Object[rc.length];
    Class<?>[] types = new Class<?>[rc.length];
    boolean changed = false;
    try {
      for (int i = 0; i < rc.length; i++) {
        types[i] = rc[i].getType();
        rc[i].getAccessor().setAccessible(true);
        args[i] = rc[i].getAccessor().invoke(w);
        if (rc[i].getName().equals("scale") && types[i] == double.class && layer.has("scale")) {
          changed |= (double) args[i] != layer.get("scale").asDouble();
          args[i] = layer.get("scale").asDouble();
        } else if (rc[i].getName().equals("seed") && types[i] == long.class
            && layer.has("seed")) {
          changed |= (long) args[i] != layer.get("seed").asLong();
          args[i] = layer.get("seed").asLong();
        }
      }
      if (!changed) {
        return w;
      }
      Constructor<?> c = w.getClass().getDeclaredConstructor(types);
      c.setAccessible(true);
      return (LoraWrapper) c.newInstance(args);
    } catch (ReflectiveOperationException ex) {
      throw new IllegalStateException("fromPretrained: cannot rebuild a "
          + w.getClass().getSimpleName() + " with its saved scale and seed: " + ex, ex);
    }
  }

  /**
   * {@code tree} with the frozen adapter tensors of {@code dir}'s {@value #FROZEN}, where they
   * differ from the rebuilt ones; equal contents share one tensor (VeRA's projections).
   */
  private static Layer readFrozen(java.nio.file.Path dir, Layer tree,
      Map<String, Tensor> interned) {
    java.nio.file.Path file = GraftFrozen.check(dir);
    if (file == null) {
      return tree;
    }
    Map<Path, Tensor> replace = new LinkedHashMap<>();
    try (SafetensorsReader reader = Safetensors.open(file)) {
      for (String key : reader.keys()) {
        Path p = Path.of(key);
        Tensor mine;
        try {
          mine = Tree.leaf(tree, p);
        } catch (RuntimeException ex) {
          throw new CheckpointException(file, key, "is not a frozen adapter tensor of the rebuilt"
              + " adapters: " + ex.getMessage());
        }
        Tensor t = reader.tensor(key);
        if (!Arrays.equals(t.shape(), mine.shape())) {
          throw new CheckpointException(file, key, "has shape "
              + dev.graft.runtime.Shapes.format(t.shape()) + " but the rebuilt adapter's is "
              + dev.graft.runtime.Shapes.format(mine.shape()));
        }
        if (Arrays.equals(t.toArray(), mine.toArray())) {
          continue;
        }
        String id = Arrays.toString(t.shape()) + Arrays.hashCode(t.toArray());
        Tensor same = interned.get(id);
        if (same == null || !Arrays.equals(same.toArray(), t.toArray())) {
          interned.put(id, t);
          same = t;
        }
        replace.put(p, same);
      }
    }
    return replace.isEmpty() ? tree : Tree.combine(tree, replace);
  }

  // ------------------------------------------------------------------ loading onto a net

  /** {@code loadAdapter} for a net with named adapters: each from its folder. */
  static Net loadAll(Net net, java.nio.file.Path dir) {
    AdapterTable state = AdapterTable.read(net, "loadAdapter");
    if (state.bare() || state.layers.isEmpty()) {
      return PeftNet.load(net, dir);
    }
    Net out = net;
    for (String name : state.names) {
      out = hotSwap(out, name, folder(dir, name));
    }
    return out;
  }

  /** Adapter {@code name}'s trainable tensors replaced from {@code dir}. */
  static Net hotSwap(Net net, String name, java.nio.file.Path dir) {
    AdapterTable state = AdapterTable.read(net, "hotSwap");
    state.requireKnown("hotSwap", name);
    Net loaded = PeftNet.load(state.bare() ? net : view(net, state, name), dir);
    return ManyAdapters.swap(net, name, loaded.adapters(), "'" + dir + "'");
  }
}
