package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;

/** @deprecated use {@link IA3Adapter}, one class for Linear and Conv layers. */
@Deprecated
public final class IA3Conv {
  /** IA3 for Conv1d/2d/3d layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = IA3Adapter.KIND.factory("IA3Conv", ConvLayer.class);

  private IA3Conv() {}
}
