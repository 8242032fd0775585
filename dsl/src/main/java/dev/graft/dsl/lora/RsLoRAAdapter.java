package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;
import java.util.List;

/**
 * Rank-stabilized LoRA (arXiv 2312.03732) on a Linear or a Conv1d/2d/3d: {@link LoRAAdapter} with
 * {@code s = α/√r}, so the update's size does not shrink as the rank grows. Trains {@code A} and
 * {@code B}: {@code r·(in + out)} parameters; merges into {@code W + (α/√r)·B A}.
 *
 * @param base the frozen layer
 * @param loraA the down projection {@code (r, in)}
 * @param loraB the up projection {@code (out, r)}
 * @param scale {@code α / √r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record RsLoRAAdapter(Layer base, Tensor loraA, Tensor loraB, double scale, double dropout)
    implements LowRankAdapter {

  /** rsLoRA's description: PEFT's LoRA with {@code use_rslora}. */
  public static final AdapterKind KIND = AdapterKind.of("rsLoRA", RsLoRAAdapter.class,
      List.of("loraA", "loraB"), PeftForm.lora("rslora", false), RsLoRAAdapter::create);

  /** Builds rsLoRA adapters for Linear and Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = KIND.factory();

  /** Validates the factor shapes against the base. */
  public RsLoRAAdapter {
    LowRank.checkFactors(KIND, base, loraA, loraB);
  }

  /** rsLoRA around {@code base} with {@code config}'s rank, {@code α/√r} scale and key. */
  public static RsLoRAAdapter create(Layer base, AdapterConfig config) {
    return LowRank.create(KIND, base, config, AdapterConfig::rsScale, RsLoRAAdapter::new);
  }
}
