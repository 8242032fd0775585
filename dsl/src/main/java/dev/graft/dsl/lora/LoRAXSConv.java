package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;

/** @deprecated use {@link LoRAXSAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class LoRAXSConv {
  /** LoRA-XS for Conv1d/2d/3d layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = LoRAXSAdapter.KIND.factory("LoRAXSConv",
      ConvLayer.class);

  /** The adapter on {@code base}, initialized as {@link LoRAXSAdapter#create}. */
  public static LoRAXSAdapter create(ConvLayer base, AdapterConfig config) {
    return LoRAXSAdapter.create(base, config);
  }

  private LoRAXSConv() {}
}
