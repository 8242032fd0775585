package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;

/** @deprecated use {@link DoRAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class DoRAConv {
  /** DoRA for Conv1d/2d/3d layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = DoRAAdapter.KIND.factory("DoRAConv",
      ConvLayer.class);

  /** The adapter on {@code base}, initialized as {@link DoRAAdapter#create}. */
  public static DoRAAdapter create(ConvLayer base, AdapterConfig config) {
    return DoRAAdapter.create(base, config);
  }

  private DoRAConv() {}
}
