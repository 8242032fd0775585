package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;

/** @deprecated use {@link LoKrAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class LoKrConv {
  /** LoKr for Conv1d/2d/3d layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = LoKrAdapter.KIND.factory("LoKrConv",
      ConvLayer.class);

  /** The adapter on {@code base}, initialized as {@link LoKrAdapter#create}. */
  public static LoKrAdapter create(ConvLayer base, AdapterConfig config) {
    return LoKrAdapter.create(base, config);
  }

  private LoKrConv() {}
}
