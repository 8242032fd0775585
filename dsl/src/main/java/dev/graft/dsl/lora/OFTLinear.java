package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;

/** @deprecated use {@link OFTAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class OFTLinear {
  /** OFT for {@link Linear} layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = OFTAdapter.KIND.factory("OFTLinear", Linear.class);

  /** The adapter on {@code base}, initialized as {@link OFTAdapter#create}. */
  public static OFTAdapter create(Linear base, AdapterConfig config) {
    return OFTAdapter.create(base, config);
  }

  private OFTLinear() {}
}
