package dev.graft.dsl;

import dev.graft.dsl.tree.Layer;

import dev.graft.dsl.lora.AdapterSet;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link Net}'s named-adapter methods do: add a named set, list, activate and delete sets,
 * serve a mixed batch. Every operation reads the net's {@link AdapterTable}, edits it as data and
 * writes a new net; the bases and every untouched adapter are shared by reference.
 */
final class ManyAdapters {
  private ManyAdapters() {}

  /** {@code lora(specs)}: grafts as always on a net without sets, else extends "default". */
  static Net loraDefault(Net net, List<LoraSpec> specs) {
    if (net.adapters().values().stream().noneMatch(w -> w instanceof AdapterSet)) {
      return Grafting.graft(net, specs);
    }
    AdapterTable state = AdapterTable.read(net, "lora");
    return add(net, state, AdapterSet.DEFAULT, specs, !state.names.contains(AdapterSet.DEFAULT));
  }

  /** {@code lora(name, specs)}: a new set called {@code name}, which becomes the active one. */
  static Net lora(Net net, String name, List<LoraSpec> specs) {
    AdapterSet.checkName("lora", name);
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("lora: no spec given for adapter '" + name + "'");
    }
    AdapterTable state = AdapterTable.read(net, "lora");
    if (state.names.contains(name)) {
      throw new IllegalArgumentException("lora: the net already has an adapter named '" + name
          + "' (it has " + state.names + "); delete it first or pick another name");
    }
    return add(net, state, name, specs, true);
  }

  /**
   * Grafts {@code specs} onto the original layers and adds the wrappers under {@code name};
   * {@code fresh} says the name is new (appended and made the active set) rather than extended.
   */
  private static Net add(Net net, AdapterTable state, String name, List<LoraSpec> specs,
      boolean fresh) {
    Layer plain = state.plain("lora", net.module());
    Net scratch = Net.of(plain).freeze();
    if (net.selection() != null) {
      scratch = scratch.mask(net.selection());
    }
    Map<Path, LoraWrapper> built = new java.util.LinkedHashMap<>(
        Grafting.graft(scratch, specs).adapters());
    if (!fresh) { // extending: as before, layers already adapted by the name keep their adapter
      built.keySet().removeIf(p -> state.layers.containsKey(p)
          && state.layers.get(p).adapters.containsKey(name));
    }
    if (fresh) {
      state.names.add(name);
      state.active.clear();
      state.active.add(name);
    }
    put(state, name, built, plain, "lora");
    return state.write(net, "lora", false);
  }

  /** Adds {@code built} (wrappers around layers of {@code plain}) to the state under a name. */
  static void put(AdapterTable state, String name, Map<Path, LoraWrapper> built, Layer plain,
      String op) {
    for (Map.Entry<Path, LoraWrapper> e : built.entrySet()) {
      Path p = e.getKey();
      for (Path q : state.layers.keySet()) {
        if (!q.equals(p) && (p.startsWith(q) || q.startsWith(p))) {
          throw new IllegalArgumentException(op + ": adapter '" + name + "' would wrap '" + p
              + "', which is nested with the adapted layer '" + q + "'; target the same layers"
              + " or disjoint ones");
        }
      }
      AdapterTable.Site layer = state.layers.computeIfAbsent(p,
          k -> new AdapterTable.Site((Layer) Tree.get(plain, k)));
      if (layer.adapters.containsKey(name)) {
        throw new IllegalArgumentException(op + ": layer '" + p + "' already holds adapter '"
            + name + "'");
      }
      layer.adapters.put(name, e.getValue());
    }
  }

  static List<String> names(Net net) {
    if (net.isMerged()) {
      return names(net.unmerge()); // the adapters set aside are still the net's
    }
    if (net.isDisabled()) {
      return names(net.enableAdapters());
    }
    return List.copyOf(AdapterTable.read(net, "adapterNames").names);
  }

  static Net activate(Net net, String... names) {
    AdapterTable state = AdapterTable.read(net, "activate");
    Set<String> seen = new LinkedHashSet<>();
    for (String n : names) {
      state.requireKnown("activate", n);
      if (!seen.add(n)) {
        throw new IllegalArgumentException("activate: adapter '" + n + "' is named twice");
      }
    }
    state.active.clear();
    state.active.addAll(seen);
    return state.write(net, "activate", true);
  }

  static Net delete(Net net, String name) {
    AdapterTable state = AdapterTable.read(net, "deleteAdapter");
    state.requireKnown("deleteAdapter", name);
    state.names.remove(name);
    state.active.remove(name);
    for (AdapterTable.Site l : state.layers.values()) {
      l.adapters.remove(name);
    }
    return state.write(net, "deleteAdapter", true);
  }

  /** The forward with row {@code i} through adapter {@code rows.get(i)} alone. */
  static Tensor route(Net net, Tensor x, List<String> rows) {
    AdapterTable state = AdapterTable.read(net, "apply(x, adapterPerRow)");
    if (x.ndim() == 0 || x.dim(0) != rows.size()) {
      throw new IllegalArgumentException("apply(x, adapterPerRow): " + rows.size()
          + " adapter names for a batch of shape " + dev.graft.runtime.Shapes.format(x.shape())
          + "; give one name per row (axis 0)");
    }
    for (int i = 0; i < rows.size(); i++) {
      String n = rows.get(i);
      if (!n.equals(AdapterSet.BASE) && !state.names.contains(n)) {
        throw new IllegalArgumentException("apply(x, adapterPerRow): row " + i + " names '" + n
            + "', which is neither an adapter of the net " + state.names + " nor '"
            + AdapterSet.BASE + "'");
      }
    }
    Layer tree = net.module();
    for (Map.Entry<Path, AdapterTable.Site> e : state.layers.entrySet()) {
      AdapterSet set = new AdapterSet(AdapterTable.base("apply(x, adapterPerRow)", e.getKey(),
          e.getValue()), e.getValue().adapters, List.of(), state.names);
      tree = Tree.set(tree, e.getKey(), set.routed(rows));
    }
    return tree.apply(x);
  }

  /**
   * {@code net} with adapter {@code name}'s trainable tensors replaced by {@code donor}'s
   * adapter of the same name, layer by layer and shape by shape; every other leaf is the same
   * object as before.
   */
  static Net swap(Net net, String name, Map<Path, LoraWrapper> donor, String source) {
    AdapterTable state = AdapterTable.read(net, "hotSwap");
    state.requireKnown("hotSwap", name);
    Set<Path> missing = new LinkedHashSet<>();
    for (Map.Entry<Path, AdapterTable.Site> e : state.layers.entrySet()) {
      if (e.getValue().adapters.containsKey(name)) {
        missing.add(e.getKey());
      }
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<Path, LoraWrapper> e : donor.entrySet()) {
      AdapterTable.Site layer = state.layers.get(e.getKey());
      LoraWrapper mine = layer == null ? null : layer.adapters.get(name);
      if (mine == null) {
        problems.add("'" + e.getKey() + "' is adapted in " + source + " but not by '" + name
            + "'");
        continue;
      }
      missing.remove(e.getKey());
      LoraWrapper theirs = e.getValue();
      if (mine.getClass() != theirs.getClass()) {
        problems.add("'" + e.getKey() + "' holds a " + mine.getClass().getSimpleName() + ", "
            + source + " a " + theirs.getClass().getSimpleName());
        continue;
      }
      Map<Path, Tensor> leaves = new java.util.LinkedHashMap<>();
      for (String field : mine.adapterFields()) {
        Tensor a = Tree.leaf(mine, Path.of(field));
        Tensor b = Tree.leaf(theirs, Path.of(field));
        if (!java.util.Arrays.equals(a.shape(), b.shape())) {
          problems.add("'" + e.getKey() + "/" + field + "' is "
              + dev.graft.runtime.Shapes.format(a.shape()) + ", " + source + " has "
              + dev.graft.runtime.Shapes.format(b.shape()));
        }
        leaves.put(Path.of(field), b);
      }
      if (problems.isEmpty()) {
        layer.adapters.put(name, Tree.combine(mine, leaves));
      }
    }
    for (Path p : missing) {
      problems.add("'" + p + "' is adapted by '" + name + "' but not in " + source);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("hotSwap: " + source + " does not fit adapter '" + name
          + "': " + String.join("; ", problems));
    }
    return state.write(net, "hotSwap", true);
  }
}
