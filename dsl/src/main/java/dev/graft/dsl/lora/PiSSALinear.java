package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;

/** @deprecated use {@link PiSSAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class PiSSALinear {
  /** PiSSA for {@link Linear} layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = PiSSAAdapter.KIND.factory("PiSSALinear",
      Linear.class);

  /** The adapter on {@code base}, initialized as {@link PiSSAAdapter#create}. */
  public static PiSSAAdapter create(Linear base, AdapterConfig config) {
    return PiSSAAdapter.create(base, config);
  }

  private PiSSALinear() {}
}
