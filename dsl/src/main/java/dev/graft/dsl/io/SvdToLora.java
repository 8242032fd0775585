package dev.graft.dsl.io;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.lora.AdaptedLayers;
import dev.graft.dsl.lora.LoRAAdapter;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.lora.LowRankAdapter;
import dev.graft.dsl.lora.MiLoRAAdapter;
import dev.graft.dsl.lora.PiSSAAdapter;
import dev.graft.dsl.lora.SvdInit;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * MiLoRA and PiSSA re-expressed as plain LoRA over the original weights (PEFT's own PiSSA-to-LoRA
 * conversion): such a layer computes {@code W_res + s·B A}, where {@code W_res = W − D} and
 * {@code D = s·B₀ A₀} is the rank-{@code r} part its initialization moved into the adapter. The
 * same function over the original {@code W} is {@code W + s·[B, −B₀] [A; A₀]}: a LoRA of rank
 * {@code 2r} with the same scale ({@code α' = 2r·s}). {@code B₀} and {@code A₀} are recovered
 * from {@code D = W − W_res} by its top-{@code r} SVD, so only the original weights are needed.
 */
final class SvdToLora {
  private SvdToLora() {}

  static Layer convert(Layer tree, Layer orig) {
    Layer out = tree;
    for (Map.Entry<Path, LoraWrapper> e : AdaptedLayers.of(tree).entrySet()) {
      LoraWrapper w = e.getValue();
      if (!(w instanceof PiSSAAdapter || w instanceof MiLoRAAdapter)) {
        continue;
      }
      LowRankAdapter split = (LowRankAdapter) w;
      if (!(split.base() instanceof Linear residual)) {
        throw new IllegalArgumentException("relativeTo: the " + split.kind().name()
            + " at '" + e.getKey() + "' adapts a " + split.base().getClass().getSimpleName()
            + "; only Linear layers are converted");
      }
      Tensor a = split.loraA();
      Tensor b = split.loraB();
      double scale = split.scale();
      double dropout = split.dropout();
      Object o;
      try {
        o = Tree.get(orig, e.getKey());
      } catch (IllegalArgumentException ex) {
        o = null;
      }
      if (!(o instanceof Linear base)
          || !Arrays.equals(base.weight().shape(), residual.weight().shape())) {
        throw new IllegalArgumentException("relativeTo: the original model has no Linear of shape "
            + Shapes.format(residual.weight().shape()) + " at '" + e.getKey() + "' (found "
            + (o == null ? "nothing" : o.getClass().getSimpleName()) + ")");
      }
      int r = a.dim(0);
      Tensor d = base.weight().minus(residual.weight());
      SvdInit.Split moved = SvdInit.principal("relativeTo", d,
          SvdInit.top("relativeTo", d, r), scale);
      Tensor a2 = Tensor.concat(0, a, moved.a());                           // (2r, in)
      Tensor b2 = Tensor.concat(1, b, moved.b().unaryMinus());              // (out, 2r)
      LoRAAdapter lora = new LoRAAdapter(base.withParams(base.weight(), residual.bias()), a2, b2,
          scale, dropout);
      out = Tree.set(out, e.getKey(), lora);  // same trainable leaves: loraA, loraB
    }
    return out;
  }
}
