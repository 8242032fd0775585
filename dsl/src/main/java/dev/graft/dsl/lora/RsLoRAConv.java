package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;

/** @deprecated use {@link RsLoRAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class RsLoRAConv {
  /** rsLoRA for Conv1d/2d/3d layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = RsLoRAAdapter.KIND.factory("RsLoRAConv",
      ConvLayer.class);

  /** The adapter on {@code base}, initialized as {@link RsLoRAAdapter#create}. */
  public static RsLoRAAdapter create(ConvLayer base, AdapterConfig config) {
    return RsLoRAAdapter.create(base, config);
  }

  private RsLoRAConv() {}
}
