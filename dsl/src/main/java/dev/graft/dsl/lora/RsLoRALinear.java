package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;

/** @deprecated use {@link RsLoRAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class RsLoRALinear {
  /** rsLoRA for {@link Linear} layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = RsLoRAAdapter.KIND.factory("RsLoRALinear",
      Linear.class);

  /** The adapter on {@code base}, initialized as {@link RsLoRAAdapter#create}. */
  public static RsLoRAAdapter create(Linear base, AdapterConfig config) {
    return RsLoRAAdapter.create(base, config);
  }

  private RsLoRALinear() {}
}
