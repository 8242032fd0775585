package dev.graft.dsl;

import dev.graft.dsl.tree.Layer;

import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.lora.LowRankAdapter;
import dev.graft.dsl.lora.WeightView;
import dev.graft.dsl.nn.GroupedLinear;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Linalg;
import dev.graft.runtime.Svd;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code Net.combine}: a new adapter set whose update is the weighted sum of other sets' updates,
 * as PEFT's {@code add_weighted_adapter}. With {@code cat} (exact) the low-rank factors are
 * concatenated, {@code A' = [A₁; A₂; …]} and {@code B' = [w₁s₁B₁, w₂s₂B₂, …]} with scale 1, so
 * {@code B'A' = Σ wᵢsᵢBᵢAᵢ} and the rank is the sum of the ranks. With {@code svd} each layer's
 * dense sum {@code Σ wᵢ ΔWᵢ} (any adapter whose merge changes only the weight) is cut to its best
 * rank-{@code k} approximation, and the share of the squared singular values left out is reported.
 * The result is a LoRA ({@link LoRAAdapter}) around the shared base.
 */
final class Combination {
  private Combination() {}

  static Combined combine(Net net, String newName, Map<String, Double> weights, int svdRank) {
    String op = "combine";
    dev.graft.dsl.lora.AdapterSet.checkName(op, newName);
    AdapterTable state = AdapterTable.read(net, op);
    if (state.names.contains(newName)) {
      throw new IllegalArgumentException(op + ": the net already has an adapter named '"
          + newName + "'");
    }
    if (weights.isEmpty()) {
      throw new IllegalArgumentException(op + ": no adapters to combine");
    }
    for (Map.Entry<String, Double> e : weights.entrySet()) {
      state.requireKnown(op, e.getKey());
      if (e.getValue() == null || !Double.isFinite(e.getValue())) {
        throw new IllegalArgumentException(op + ": the weight of '" + e.getKey() + "' is "
            + e.getValue() + ", not a finite number");
      }
    }
    Map<Path, LoraWrapper> built = new LinkedHashMap<>();
    Map<Path, Double> energy = new LinkedHashMap<>();
    List<String> refused = new ArrayList<>();
    for (Map.Entry<Path, AdapterTable.Site> e : state.layers.entrySet()) {
      Path path = e.getKey();
      AdapterTable.Site layer = e.getValue();
      List<String> present = new ArrayList<>();
      for (String n : weights.keySet()) {
        if (layer.adapters.containsKey(n)) {
          present.add(n);
        }
      }
      if (present.isEmpty()) {
        continue;
      }
      Layer base = AdapterTable.base(op, path, layer);
      if (svdRank > 0) {
        LoraWrapper w = svd(path, base, layer, present, weights, svdRank, energy, refused);
        if (w != null) {
          built.put(path, w);
        }
        continue;
      }
      List<Tensor> as = new ArrayList<>();
      List<Tensor> bs = new ArrayList<>();
      for (String n : present) {
        LoraWrapper w = layer.adapters.get(n);
        if (w instanceof LowRankAdapter l && l.base() == base) {
          as.add(l.loraA());
          bs.add(l.loraB().times((float) (weights.get(n) * l.scale())));
        } else {
          refused.add("'" + n + "' at '" + path + "' (" + w.getClass().getSimpleName() + ")");
        }
      }
      if (as.size() == present.size()) {
        // the rank axis: A's second to last, B's last (one slice per group on a GroupedLinear)
        Tensor a = Tensor.concat(as, as.get(0).ndim() - 2);
        Tensor b = Tensor.concat(bs, bs.get(0).ndim() - 1);
        built.put(path, new LoRAAdapter(base, a, b, 1.0, 0.0));
      }
    }
    if (!refused.isEmpty()) {
      throw new IllegalArgumentException(op + ": cannot combine " + String.join(", ", refused)
          + (svdRank > 0 ? ": the svd combination needs adapters whose merge changes only the"
              + " weight of a Linear or Conv layer"
              : ": the exact (cat) combination needs the low-rank family on the original base"
                  + " (LoRA, rsLoRA, LoRA-FA); use the svd combination for other kinds"));
    }
    state.names.add(newName);
    ManyAdapters.put(state, newName, built, state.plain(op, net.module()), op);
    return new Combined(state.write(net, op, true), energy);
  }

  private static LoraWrapper svd(Path path, Layer base, AdapterTable.Site layer,
      List<String> present, Map<String, Double> weights, int rank, Map<Path, Double> energy,
      List<String> refused) {
    if (!WeightView.supports(base)) {
      refused.add("the adapters at '" + path + "' (a " + base.getClass().getSimpleName() + ")");
      return null;
    }
    Tensor w0 = matrices(base);
    Tensor delta = null;
    for (String n : present) {
      LoraWrapper w = layer.adapters.get(n);
      Layer merged = w.merge();
      if (merged.getClass() != base.getClass() || !onlyWeightDiffers(base, merged)) {
        refused.add("'" + n + "' at '" + path + "' (" + w.getClass().getSimpleName() + ")");
        continue;
      }
      Tensor d = matrices(merged).minus(w0).times((float) (double) weights.get(n));
      delta = delta == null ? d : delta.plus(d);
    }
    if (delta == null) {
      return null;
    }
    // One truncated SVD per matrix (per group of a GroupedLinear); the energy is over all of them.
    int groups = WeightView.of("combine", base).groups();
    List<Tensor> as = new ArrayList<>();
    List<Tensor> bs = new ArrayList<>();
    double total = 0;
    double kept = 0;
    for (int g = 0; g < groups; g++) {
      Svd full = Linalg.svd(groups > 1 ? delta.get(g) : delta);
      int k = Math.min(rank, full.rank());
      Svd cut = full.truncate(k);
      float[] s = full.s().toArray();
      for (int i = 0; i < s.length; i++) {
        total += (double) s[i] * s[i];
        if (i < k) {
          kept += (double) s[i] * s[i];
        }
      }
      float[] sk = cut.s().toArray();
      bs.add(cut.u().times(Tensor.of(sk, 1, sk.length)));
      as.add(cut.vt());
    }
    energy.put(path, total == 0 ? 0.0 : Math.max(0.0, (total - kept) / total));
    return groups > 1
        ? new LoRAAdapter(base, Tensor.stack(as, 0), Tensor.stack(bs, 0), 1.0, 0.0)
        : new LoRAAdapter(base, as.get(0), bs.get(0), 1.0, 0.0);
  }

  /** The weight as matrices {@code (out, in)}: one, or {@code (G, out, in)} for a grouped layer. */
  private static Tensor matrices(Layer layer) {
    return layer instanceof GroupedLinear g ? g.weight().transpose()
        : WeightView.of("combine", layer).matrix();
  }

  private static boolean onlyWeightDiffers(Layer base, Layer merged) {
    Map<Path, Tensor> a = Tree.leavesByPath(base);
    Map<Path, Tensor> b = Tree.leavesByPath(merged);
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<Path, Tensor> e : a.entrySet()) {
      if (e.getKey().toString().equals("weight")) {
        continue;
      }
      Tensor other = b.get(e.getKey());
      if (other != e.getValue() && !java.util.Arrays.equals(other.toArray(),
          e.getValue().toArray())) {
        return false;
      }
    }
    return true;
  }
}
