package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;

/** @deprecated use {@link RsLoRAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class RsLoRAConv {
  /** rsLoRA for Conv1d/2d/3d layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = RsLoRAAdapter.KIND.factory("RsLoRAConv",
      ConvLayer.class);

  private RsLoRAConv() {}
}
