package dev.graft.dsl;

import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.lora.LowRankAdapter;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * PiSSA and MiLoRA as a plain LoRA relative to the original weights, so they load into any LoRA
 * runtime (PEFT's {@code path_initial_model_for_weight_conversion}). They train {@code W_res +
 * s·B A} with {@code W_res = W − s·B₀A₀}, so the update to the original {@code W} is {@code s·(B A
 * − B₀A₀)}: exactly the LoRA with {@code A' = [A; A₀]}, {@code B' = [B, −B₀]}, the same scale,
 * rank {@code 2r}. {@code B₀} and {@code A₀} come from the adapters as they were built (the
 * initial net). The original layer is the set's base when the tree keeps it, else {@code W_res +
 * s·B₀A₀} (equal to the original up to float rounding; only the factors are saved).
 */
final class ResidualConversion {
  private ResidualConversion() {}

  static Net toPlainLora(Net trained, Net initial) {
    String op = "toPlainLora";
    AdapterTable state = AdapterTable.read(trained, op);
    AdapterTable start = AdapterTable.read(initial, op);
    int converted = 0;
    for (Map.Entry<Path, AdapterTable.Site> e : state.layers.entrySet()) {
      Path path = e.getKey();
      AdapterTable.Site layer = e.getValue();
      for (Map.Entry<String, LoraWrapper> a : layer.adapters.entrySet()) {
        LoraWrapper w = a.getValue();
        if (!AdapterTable.residual(w)) {
          continue;
        }
        AdapterTable.Site before = start.layers.get(path);
        LoraWrapper w0 = before == null ? null : before.adapters.get(a.getKey());
        if (w0 == null || w0.getClass() != w.getClass()) {
          throw new IllegalArgumentException(op + ": the initial net has no "
              + w.getClass().getSimpleName() + " '" + a.getKey() + "' at '" + path + "'");
        }
        if (!Arrays.equals(weight(w0.base()).toArray(), weight(w.base()).toArray())) {
          throw new IllegalArgumentException(op + ": the residual base of '" + a.getKey()
              + "' at '" + path + "' differs from the initial net's: it is not the net this one"
              + " was trained from");
        }
        layer.adapters.put(a.getKey(), convert(w, w0, layer.base));
        converted++;
      }
    }
    if (converted == 0) {
      throw new IllegalArgumentException(op + ": the net holds no PiSSA or MiLoRA adapter");
    }
    // A bare residual adapter's layer now has its (rebuilt) original base.
    for (Map.Entry<Path, AdapterTable.Site> e : state.layers.entrySet()) {
      AdapterTable.Site l = e.getValue();
      if (l.base == null) {
        AdapterTable.Site known = new AdapterTable.Site(l.adapters.values().iterator().next()
            .base());
        known.adapters.putAll(l.adapters);
        e.setValue(known);
      }
    }
    return state.write(trained, op, true);
  }

  private static LoraWrapper convert(LoraWrapper w, LoraWrapper w0,
      @Nullable Layer original) {
    LowRankAdapter l = (LowRankAdapter) w;
    LowRankAdapter l0 = (LowRankAdapter) w0;
    Layer base = original != null ? original
        : l0.merge();
    int rankAxis = l.loraB().ndim() - 1; // B's last axis, A's one before (a leading G when grouped)
    return new LoRAAdapter(base,
        Tensor.concat(java.util.List.of(l.loraA(), l0.loraA()), rankAxis - 1),
        Tensor.concat(java.util.List.of(l.loraB(), l0.loraB().unaryMinus()), rankAxis), l.scale(),
        l.dropout());
  }

  /** The weight of a Linear, conv or grouped layer. */
  private static Tensor weight(Layer layer) {
    return Tree.leaf(layer, Path.of("weight"));
  }
}
