package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;

/** @deprecated use {@link LoKrAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class LoKrLinear {
  /** LoKr for {@link Linear} layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = LoKrAdapter.KIND.factory("LoKrLinear", Linear.class);

  /** The adapter on {@code base}, initialized as {@link LoKrAdapter#create}. */
  public static LoKrAdapter create(Linear base, AdapterConfig config) {
    return LoKrAdapter.create(base, config);
  }

  private LoKrLinear() {}
}
