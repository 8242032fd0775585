package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;

/** @deprecated use {@link MiLoRAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class MiLoRALinear {
  /** MiLoRA for {@link Linear} layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = MiLoRAAdapter.KIND.factory("MiLoRALinear",
      Linear.class);

  /** The adapter on {@code base}, initialized as {@link MiLoRAAdapter#create}. */
  public static MiLoRAAdapter create(Linear base, AdapterConfig config) {
    return MiLoRAAdapter.create(base, config);
  }

  private MiLoRALinear() {}
}
