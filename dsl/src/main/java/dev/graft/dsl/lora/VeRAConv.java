package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;

/** @deprecated use {@link VeRAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class VeRAConv {
  /** VeRA for Conv1d/2d/3d layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = VeRAAdapter.KIND.factory("VeRAConv",
      ConvLayer.class);

  /** VeRA on {@code base} over {@code shared} projections, as {@link VeRAAdapter#create}. */
  public static VeRAAdapter create(ConvLayer base, AdapterConfig config, VeRAProjections shared) {
    return VeRAAdapter.create(base, config, shared);
  }

  private VeRAConv() {}
}
