package dev.graft.dsl.lora;

import dev.graft.dsl.nn.ConvLayer;

/** @deprecated use {@link VeRAAdapter}, one class for Linear and Conv layers. */
@Deprecated
public final class VeRAConv {
  /** VeRA for Conv1d/2d/3d layers only, under its earlier name. */
  public static final AdapterFactory FACTORY = VeRAAdapter.KIND.factory("VeRAConv",
      ConvLayer.class);

  private VeRAConv() {}
}
