package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;

/** @deprecated use {@link LoRAXSAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class LoRAXSLinear {
  /** LoRA-XS for {@link Linear} layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = LoRAXSAdapter.KIND.factory("LoRAXSLinear",
      Linear.class);

  /** The adapter on {@code base}, initialized as {@link LoRAXSAdapter#create}. */
  public static LoRAXSAdapter create(Linear base, AdapterConfig config) {
    return LoRAXSAdapter.create(base, config);
  }

  private LoRAXSLinear() {}
}
