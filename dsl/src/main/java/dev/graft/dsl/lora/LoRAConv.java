package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;

/** @deprecated use {@link LoRAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class LoRAConv {
  /** LoRA for Conv1d/2d/3d layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = LoRAAdapter.KIND.factory("LoRAConv",
      ConvLayer.class);

  /** The adapter on {@code base}, initialized as {@link LoRAAdapter#create}. */
  public static LoRAAdapter create(ConvLayer base, AdapterConfig config) {
    return LoRAAdapter.create(base, config);
  }

  private LoRAConv() {}
}
