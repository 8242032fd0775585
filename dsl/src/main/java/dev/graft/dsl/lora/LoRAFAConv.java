package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;

/** @deprecated use {@link LoRAFAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class LoRAFAConv {
  /** LoRA-FA for Conv1d/2d/3d layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = LoRAFAAdapter.KIND.factory("LoRAFAConv",
      ConvLayer.class);

  /** The adapter on {@code base}, initialized as {@link LoRAFAAdapter#create}. */
  public static LoRAFAAdapter create(ConvLayer base, AdapterConfig config) {
    return LoRAFAAdapter.create(base, config);
  }

  private LoRAFAConv() {}
}
