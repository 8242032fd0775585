package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;

/** @deprecated use {@link LoRAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class LoRALinear {
  /** LoRA for {@link Linear} layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = LoRAAdapter.KIND.factory("LoRALinear", Linear.class);

  private LoRALinear() {}
}
