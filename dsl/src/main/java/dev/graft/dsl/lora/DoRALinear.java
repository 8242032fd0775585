package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;

/** @deprecated use {@link DoRAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class DoRALinear {
  /** DoRA for {@link Linear} layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = DoRAAdapter.KIND.factory("DoRALinear", Linear.class);

  /** The adapter on {@code base}, initialized as {@link DoRAAdapter#create}. */
  public static DoRAAdapter create(Linear base, AdapterConfig config) {
    return DoRAAdapter.create(base, config);
  }

  private DoRALinear() {}
}
