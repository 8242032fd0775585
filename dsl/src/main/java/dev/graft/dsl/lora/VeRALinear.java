package dev.graft.dsl.lora;

import dev.graft.dsl.nn.Linear;

/** @deprecated use {@link VeRAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class VeRALinear {
  /** VeRA for {@link Linear} layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = VeRAAdapter.KIND.factory("VeRALinear", Linear.class);

  /** VeRA on {@code base} over {@code shared} projections, as {@link VeRAAdapter#create}. */
  public static VeRAAdapter create(Linear base, AdapterConfig config, VeRAProjections shared) {
    return VeRAAdapter.create(base, config, shared);
  }

  private VeRALinear() {}
}
