package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;

/** @deprecated use {@link VeRAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class VeRALinear {
  /** VeRA for {@link Linear} layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = VeRAAdapter.KIND.factory("VeRALinear", Linear.class);

  private VeRALinear() {}
}
