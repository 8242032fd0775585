package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;

/** @deprecated use {@link LoRAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class LoRAConv {
  /** LoRA for Conv1d/2d/3d layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = LoRAAdapter.KIND.factory("LoRAConv",
      ConvLayer.class);

  private LoRAConv() {}
}
