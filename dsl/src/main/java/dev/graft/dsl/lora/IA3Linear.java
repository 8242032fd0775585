package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;

/** @deprecated use {@link IA3Adapter}, one class for Linear and Conv layers. */
@Deprecated
public final class IA3Linear {
  /** IA3 for {@link Linear} layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = IA3Adapter.KIND.factory("IA3Linear", Linear.class);

  private IA3Linear() {}
}
