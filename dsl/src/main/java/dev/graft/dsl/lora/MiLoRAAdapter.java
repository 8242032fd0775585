package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;
import java.util.List;

/**
 * MiLoRA (arXiv 2406.09044) on a Linear or a Conv1d/2d/3d: {@link PiSSAAdapter} with the {@code
 * r} <em>smallest</em> singular triplets of the weight seen as {@code W (out, in)}, so fine-tuning
 * moves the part of {@code W} that holds the least of what pretraining learned. {@code A = √(Σ_r/s)
 * V_rᵀ}, {@code B = U_r √(Σ_r/s)}, {@code s = α/r}, base {@code W_res = W − s·B A}. Trains {@code
 * r·(in + out)} parameters; merges into {@code W_res + s·B A}. Needs {@code 1 ≤ r ≤ min(out, in)};
 * always uses the exact SVD (a randomized one cannot find the smallest triplets).
 *
 * @param base the frozen residual layer ({@code W_res}, the original bias)
 * @param loraA {@code (r, in)}
 * @param loraB {@code (out, r)}
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record MiLoRAAdapter(Layer base, Tensor loraA, Tensor loraB, double scale, double dropout)
    implements SvdSplitAdapter {

  /** MiLoRA's description: only Graft reads it (PEFT has no such initialization). */
  public static final AdapterKind KIND = AdapterKind.of("MiLoRA", MiLoRAAdapter.class,
      List.of("loraA", "loraB"), PeftForm.graftOnly("milora", true, "PEFT has no MiLoRA"
          + " initialization (PeftAdapters.relativeTo(net, original) re-expresses it as a PEFT"
          + " LoRA of rank 2r over the original weights)", PeftForm.LORA_KEYS),
      MiLoRAAdapter::create);

  /** Builds MiLoRA adapters for Linear and Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = KIND.factory();

  /** Validates the factor shapes against the base. */
  public MiLoRAAdapter {
    LowRank.checkFactors(KIND, base, loraA, loraB);
  }

  /** MiLoRA around {@code base}: its smallest {@code r} singular triplets move into the adapter. */
  public static MiLoRAAdapter create(Layer base, AdapterConfig config) {
    return SvdInit.split(KIND, base, config, false, MiLoRAAdapter::new);
  }

  /** The {@code bottom-r} singular triplets moved into the factors. */
  @Override
  public String triplets() {
    return "bottom-r";
  }
}
