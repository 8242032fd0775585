package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;

/** @deprecated use {@link LoRAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class LoRALinear {
  /** LoRA for {@link Linear} layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = LoRAAdapter.KIND.factory("LoRALinear", Linear.class);

  /** The adapter on {@code base}, initialized as {@link LoRAAdapter#create}. */
  public static LoRAAdapter create(Linear base, AdapterConfig config) {
    return LoRAAdapter.create(base, config);
  }

  private LoRALinear() {}
}
