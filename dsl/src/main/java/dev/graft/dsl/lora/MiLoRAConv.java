package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;

/** @deprecated use {@link MiLoRAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class MiLoRAConv {
  /** MiLoRA for Conv1d/2d/3d layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = MiLoRAAdapter.KIND.factory("MiLoRAConv",
      ConvLayer.class);

  private MiLoRAConv() {}
}
