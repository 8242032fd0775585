package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;

/** @deprecated use {@link OFTAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class OFTConv {
  /** OFT for Conv1d/2d/3d layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = OFTAdapter.KIND.factory("OFTConv", ConvLayer.class);

  /** The adapter on {@code base}, initialized as {@link OFTAdapter#create}. */
  public static OFTAdapter create(ConvLayer base, AdapterConfig config) {
    return OFTAdapter.create(base, config);
  }

  private OFTConv() {}
}
