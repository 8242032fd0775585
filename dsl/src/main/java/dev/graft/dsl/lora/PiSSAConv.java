package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;

/** @deprecated use {@link PiSSAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class PiSSAConv {
  /** PiSSA for Conv1d/2d/3d layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = PiSSAAdapter.KIND.factory("PiSSAConv",
      ConvLayer.class);

  /** The adapter on {@code base}, initialized as {@link PiSSAAdapter#create}. */
  public static PiSSAAdapter create(ConvLayer base, AdapterConfig config) {
    return PiSSAAdapter.create(base, config);
  }

  private PiSSAConv() {}
}
