package dev.graft.dsl;

import dev.graft.dsl.io.CheckpointException;
import dev.graft.dsl.io.GraftFrozen;
import dev.graft.dsl.io.PeftAdapters;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.tree.Mask;
import dev.graft.dsl.tree.Path;
import java.util.List;

/**
 * The PEFT-directory operations of {@link Net}: the net's own checks (adapters set aside by
 * {@code merge()} or {@code disableAdapters()} are refused, since saving or loading would touch
 * only the others), then the tree-level {@link PeftAdapters} and {@link GraftFrozen}.
 */
final class PeftNet {
  private PeftNet() {}

  /** {@code net}'s adapters written to {@code dir} with Graft's frozen file. */
  static void save(Net net, java.nio.file.Path dir) {
    requireActive(net, "saveAdapter");
    GraftFrozen.save(net.module(), net.trainablePaths(), dir);
  }

  /** {@code net} with its adapter tensors read from {@code dir}. */
  static Net load(Net net, java.nio.file.Path dir) {
    requireActive(net, "loadAdapter");
    return net.withModule(PeftAdapters.load(net.module(), dir));
  }

  /**
   * {@code base} frozen, adapted by the specs {@code dir}'s config describes and loaded from
   * {@code dir}, with the config's {@code modules_to_save} trainable: PEFT's {@code
   * PeftModel.from_pretrained}.
   */
  static Net loadOnto(Net base, java.nio.file.Path dir) {
    Net adapted;
    try {
      adapted = base.freeze().lora(PeftAdapters.specs(base.module(), dir)
          .toArray(LoraSpec[]::new));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(dir.resolve(PeftAdapters.CONFIG), null, "describes adapters"
          + " this model cannot take: " + e.getMessage(), e);
    }
    Net loaded = load(adapted, dir);
    List<Path> modules = PeftAdapters.modulesToSave(loaded.module(), dir);
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

  /** Refuses a net with no adapters or with adapters set aside, naming {@code op}. */
  static void requireActive(Net net, String op) {
    if (net.adapters().isEmpty() || net.isMerged() || net.isDisabled()) {
      throw new IllegalStateException(op + ": the net has " + (net.adapters().isEmpty()
          ? "no adapters" : "adapters set aside") + (net.isMerged()
          ? " (they are merged; call unmerge() first)" : net.isDisabled()
          ? " (they are disabled; call enableAdapters() first)" : ""));
    }
  }
}
