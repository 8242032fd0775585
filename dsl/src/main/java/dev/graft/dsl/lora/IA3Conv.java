package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;

/** @deprecated use {@link IA3Adapter}, one class for Linear and Conv layers. */
@Deprecated
public final class IA3Conv {
  /** IA3 for Conv1d/2d/3d layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = IA3Adapter.KIND.factory("IA3Conv", ConvLayer.class);

  /** IA3 on {@code base} with its scale at one (the identity), as {@link IA3Adapter#create}. */
  public static IA3Adapter create(ConvLayer base) {
    return IA3Adapter.create(base);
  }

  private IA3Conv() {}
}
