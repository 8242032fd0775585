package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Tensor;
import java.util.List;

/**
 * LoRA-FA (arXiv 2308.03303) on a {@link Linear}: LoRA whose down projection {@code A} is frozen
 * at its random initialization, so only {@code B} trains (and the activations {@code x Aᵀ} are
 * all the backward pass needs). {@code y = x Wᵀ + b + s·(x Aᵀ) Bᵀ} with {@code s = α/r}, {@code A
 * (r, in)} kaiming-uniform (bound {@code 1/√in}) and frozen, {@code B (out, r)} zero. Trains
 * {@code r·out} parameters; merges into {@code W + s·B A}.
 *
 * @param base the frozen layer
 * @param loraA the frozen down projection {@code (r, in)}
 * @param loraB the trainable up projection {@code (out, r)}
 * @param scale {@code α / r}
 * @param dropout dropout rate on the adapter's input while training
 */
public record LoRAFALinear(Linear base, Tensor loraA, Tensor loraB, double scale, double dropout)
    implements LowRankLinearAdapter {

  /** Builds LoRA-FA adapters for {@link Linear} layers. */
  public static final AdapterFactory FACTORY = AdapterFactory.of("LoRAFALinear",
      layer -> layer instanceof Linear,
      (base, config) -> create((Linear) base, config));

  /** Validates the factor shapes against the base. */
  public LoRAFALinear {
    LowRank.checkFactors("LoRAFALinear", loraA, loraB, base.outFeatures(), base.inFeatures());
  }

  /** LoRA-FA around {@code base} with {@code config}'s rank, {@code α/r} scale and key. */
  public static LoRAFALinear create(Linear base, AdapterConfig config) {
    LowRank.Factors f = LowRank.init("LoRAFALinear", base.outFeatures(), base.inFeatures(),
        config);
    return new LoRAFALinear(base, f.a(), f.b(), config.scale(), config.dropout());
  }

  /** Only {@code loraB}: {@code A} stays frozen. */
  @Override
  public List<String> adapterFields() {
    return List.of("loraB");
  }
}
