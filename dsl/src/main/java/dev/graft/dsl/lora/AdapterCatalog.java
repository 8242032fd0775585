package dev.graft.dsl.lora;

import java.util.List;
import java.util.Optional;

/**
 * Every first-class zoo adapter, one {@link AdapterKind} a line. The law suite runs its laws for
 * each entry, the PEFT reader and writer take each kind's PEFT form from here, and the shoot-out
 * trains one contender per entry: a new adapter is its class plus one line below.
 */
public final class AdapterCatalog {
  private AdapterCatalog() {}

  /** The kinds, in the order the docs and the shoot-out list them. */
  public static final List<AdapterKind> KINDS = List.of(
      LoRAAdapter.KIND,
      RsLoRAAdapter.KIND,
      LoRAFAAdapter.KIND,
      DoRAAdapter.KIND,
      PiSSAAdapter.KIND,
      MiLoRAAdapter.KIND,
      LoRAXSAdapter.KIND,
      VeRAAdapter.KIND,
      IA3Adapter.KIND,
      LoKrAdapter.KIND,
      OFTAdapter.KIND);

  /** The kind named {@code name} (as {@link AdapterKind#name()} or its {@code slug}). */
  public static Optional<AdapterKind> named(String name) {
    for (AdapterKind k : KINDS) {
      if (k.name().equals(name) || k.slug().equals(name)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  /** The kind of a PEFT LoRA-family config by its variant (see {@link PeftForm#variant()}). */
  public static Optional<AdapterKind> forPeft(String peftType, String variant) {
    for (AdapterKind k : KINDS) {
      if (peftType.equals(k.peft().peftType()) && variant.equals(k.peft().variant())) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
