package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;

/** @deprecated use {@link MiLoRAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class MiLoRAConv {
  /** MiLoRA for Conv1d/2d/3d layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = MiLoRAAdapter.KIND.factory("MiLoRAConv",
      ConvLayer.class);

  /** The adapter on {@code base}, initialized as {@link MiLoRAAdapter#create}. */
  public static MiLoRAAdapter create(ConvLayer base, AdapterConfig config) {
    return MiLoRAAdapter.create(base, config);
  }

  private MiLoRAConv() {}
}
