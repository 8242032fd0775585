package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;
import java.util.List;

/**
 * LoRA (arXiv 2106.09685) on a Linear or a Conv1d/2d/3d: the weight seen as {@code W (out, in)}
 * ({@link WeightView}) gets {@code s·B A} with {@code s = α/r}, {@code A (r, in)} kaiming-uniform
 * (bound {@code 1/√in}) and {@code B (out, r)} zero, so it starts as the identity. The forward is
 * {@code base(x) + s·(x Aᵀ) Bᵀ}, never forming {@code B A}. Trains {@code A} and {@code B}: {@code
 * r·(in + out)} parameters; merges into {@code W + s·B A}.
 *
 * @param base the frozen layer
 * @param loraA the down projection {@code (r, in)}
 * @param loraB the up projection {@code (out, r)}
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record LoRAAdapter(Layer base, Tensor loraA, Tensor loraB, double scale, double dropout)
    implements LowRankAdapter {

  /** LoRA's description: both factors train; PEFT's plain LoRA. */
  public static final AdapterKind KIND = AdapterKind.of("LoRA", LoRAAdapter.class,
      List.of("loraA", "loraB"), PeftForm.lora("lora", false), LoRAAdapter::create);

  /** Builds LoRA adapters for Linear and Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = KIND.factory();

  /** Validates the factor shapes against the base. */
  public LoRAAdapter {
    LowRank.checkFactors(KIND, base, loraA, loraB);
  }

  /** LoRA around {@code base} with {@code config}'s rank, {@code α/r} scale and key. */
  public static LoRAAdapter create(Layer base, AdapterConfig config) {
    return LowRank.create(KIND, base, config, AdapterConfig::scale, LoRAAdapter::new);
  }
}
