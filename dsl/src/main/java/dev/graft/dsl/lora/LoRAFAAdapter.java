package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;
import java.util.List;

/**
 * LoRA-FA (arXiv 2308.03303) on a Linear or a Conv1d/2d/3d: LoRA whose down projection {@code A}
 * stays frozen at its random initialization, so only {@code B} trains (and the activations {@code
 * x Aᵀ} are all the backward pass needs). {@code s = α/r}. Trains {@code r·out} parameters; merges
 * into {@code W + s·B A}. PEFT stores it as a plain LoRA, {@code A} included.
 *
 * @param base the frozen layer
 * @param loraA the frozen down projection {@code (r, in)}
 * @param loraB the trainable up projection {@code (out, r)}
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record LoRAFAAdapter(Layer base, Tensor loraA, Tensor loraB, double scale, double dropout)
    implements LowRankAdapter {

  /** LoRA-FA's description: only {@code loraB} trains; PEFT's LoRA file holds {@code A} too. */
  public static final AdapterKind KIND = AdapterKind.of("LoRA-FA", LoRAFAAdapter.class,
      List.of("loraB"), PeftForm.lora("lorafa", false).alsoStoring("loraA"),
      LoRAFAAdapter::create);

  /** Builds LoRA-FA adapters for Linear and Conv1d/2d/3d layers. */
  public static final AdapterFactory FACTORY = KIND.factory();

  /** Validates the factor shapes against the base. */
  public LoRAFAAdapter {
    LowRank.checkFactors(KIND, base, loraA, loraB);
  }

  /** LoRA-FA around {@code base}: LoRA's factors, of which {@code A} stays frozen. */
  public static LoRAFAAdapter create(Layer base, AdapterConfig config) {
    return LowRank.create(KIND, base, config, AdapterConfig::scale, LoRAFAAdapter::new);
  }
}
