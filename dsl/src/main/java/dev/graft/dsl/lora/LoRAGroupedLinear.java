package dev.graft.dsl.lora;

import dev.graft.dsl.nn.GroupedLinear;

/**
 * @deprecated use {@link LoRAAdapter}, one class for Linear, Conv and GroupedLinear layers. On a
 *     GroupedLinear its factors hold one slice per group: {@code loraA (G, r, in)} and {@code loraB
 *     (G, out, r)} (this class's record held {@code A (G, in, r)} and {@code B (G, r, out)}).
 */
@Deprecated
public final class LoRAGroupedLinear {
  /** LoRA for {@link GroupedLinear} layers only, under its earlier name. */
  public static final AdapterFactory FACTORY =
      LoRAAdapter.KIND.factory("LoRAGroupedLinear", GroupedLinear.class);

  /** The adapter on {@code base}, initialized as {@link LoRAAdapter#create}. */
  public static LoRAAdapter create(GroupedLinear base, AdapterConfig config) {
    return LoRAAdapter.create(base, config);
  }

  private LoRAGroupedLinear() {}
}
