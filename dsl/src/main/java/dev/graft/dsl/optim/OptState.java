package dev.graft.dsl.optim;

import dev.graft.dsl.tree.Path;
import dev.graft.runtime.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An optimizer's state between steps: how many steps were taken and named slots of per-leaf
 * tensors keyed by leaf {@link Path} (Adam's {@code "m"} and {@code "v"}, SGD's {@code
 * "momentum"}). Immutable: a step returns a new state that shares every tensor it did not change.
 * A leaf without an entry in a slot starts from zeros, so {@link #empty()} is the state before the
 * first step of any optimizer.
 */
public final class OptState {
  private static final OptState EMPTY = new OptState(0, Map.of());

  private final long step;
  private final Map<String, Map<Path, Tensor>> slots;

  private OptState(long step, Map<String, Map<Path, Tensor>> slots) {
    this.step = step;
    this.slots = slots;
  }

  /** The state before the first step: step 0, no slots. */
  public static OptState empty() {
    return EMPTY;
  }

  /**
   * A state from its parts (for example when loading a checkpoint); the maps are copied, their
   * order kept.
   */
  public static OptState of(long step, Map<String, ? extends Map<Path, Tensor>> slots) {
    if (step < 0) {
      throw new IllegalArgumentException("OptState: step must be >= 0, got " + step);
    }
    Map<String, Map<Path, Tensor>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, ? extends Map<Path, Tensor>> e : slots.entrySet()) {
      copy.put(e.getKey(), Collections.unmodifiableMap(new LinkedHashMap<>(e.getValue())));
    }
    return new OptState(step, Collections.unmodifiableMap(copy));
  }

  /** How many steps have been taken (0 before the first). */
  public long step() {
    return step;
  }

  /** The names of the slots this state holds. */
  public Set<String> slotNames() {
    return slots.keySet();
  }

  /** The tensors of slot {@code name} by leaf path; empty if the slot is absent. */
  public Map<Path, Tensor> slot(String name) {
    Map<Path, Tensor> s = slots.get(name);
    return s == null ? Map.of() : s;
  }

  /** The tensor of slot {@code name} for the leaf at {@code path}, or null if there is none. */
  public @Nullable Tensor get(String name, Path path) {
    return slot(name).get(path);
  }

  /** All slots, by name. */
  public Map<String, Map<Path, Tensor>> slots() {
    return slots;
  }

  /**
   * The state after one more step: {@code updates} (slot name to leaf path to tensor) replace or
   * add entries; every other entry is kept as it is.
   */
  OptState next(Map<String, Map<Path, Tensor>> updates) {
    Map<String, Map<Path, Tensor>> out = new LinkedHashMap<>();
    for (Map.Entry<String, Map<Path, Tensor>> e : slots.entrySet()) {
      out.put(e.getKey(), e.getValue());
    }
    for (Map.Entry<String, Map<Path, Tensor>> e : updates.entrySet()) {
      Map<Path, Tensor> merged = new LinkedHashMap<>(slot(e.getKey()));
      merged.putAll(e.getValue());
      out.put(e.getKey(), Collections.unmodifiableMap(merged));
    }
    return new OptState(step + 1, Collections.unmodifiableMap(out));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof OptState s && s.step == step && s.slots.equals(slots);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(step) * 31 + slots.hashCode();
  }

  /** Step count and slot sizes, not the tensors. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("OptState[step ").append(step);
    for (Map.Entry<String, Map<Path, Tensor>> e : slots.entrySet()) {
      sb.append(", ").append(e.getKey()).append(": ").append(e.getValue().size()).append(" leaves");
    }
    return sb.append(']').toString();
  }
}
