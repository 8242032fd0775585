package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;

/** @deprecated use {@link IA3Adapter}, one class for Linear and Conv layers. */
@Deprecated
public final class IA3Linear {
  /** IA3 for {@link Linear} layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = IA3Adapter.KIND.factory("IA3Linear", Linear.class);

  /** IA3 on {@code base} with its scale at one (the identity), as {@link IA3Adapter#create}. */
  public static IA3Adapter create(Linear base) {
    return IA3Adapter.create(base);
  }

  private IA3Linear() {}
}
