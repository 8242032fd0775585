package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;

/** @deprecated use {@link LoRAFAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class LoRAFALinear {
  /** LoRA-FA for {@link Linear} layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = LoRAFAAdapter.KIND.factory("LoRAFALinear",
      Linear.class);

  /** The adapter on {@code base}, initialized as {@link LoRAFAAdapter#create}. */
  public static LoRAFAAdapter create(Linear base, AdapterConfig config) {
    return LoRAFAAdapter.create(base, config);
  }

  private LoRAFALinear() {}
}
