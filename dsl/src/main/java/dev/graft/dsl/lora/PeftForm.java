package dev.graft.dsl.lora;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How a zoo adapter appears in a Hugging Face PEFT directory: its {@code peft_type} (or why PEFT
 * cannot read it), how a config tells its variant apart, the key suffix of each field it stores,
 * and whether its initialization read the base weight.
 *
 * @param peftType PEFT's {@code peft_type} ({@code "LORA"}, {@code "IA3"}, ...), or null for an
 *     adapter only Graft reads
 * @param variant how a config tells the variant apart: {@code "lora"}, {@code "rslora"}, {@code
 *     "dora"}, {@code "pissa"}, {@code "milora"}, {@code "lorafa"}, ...; else the lower-case method
 * @param weightDerived whether the initialization read the base weight (so a base loaded
 *     afterwards would not fit the frozen parts)
 * @param graftOnly why PEFT cannot read the adapter with the same meaning (null when it can)
 * @param keys each stored field's key suffix after the module name, e.g. {@code loraA →
 *     lora_A.weight}
 * @param frozenSaved frozen fields PEFT's form stores too, before the trainable ones (LoRA-FA's
 *     {@code loraA}, which PEFT's plain LoRA holds)
 */
public record PeftForm(@Nullable String peftType, String variant, boolean weightDerived,
    @Nullable String graftOnly, Map<String, String> keys, List<String> frozenSaved) {

  /** PEFT's LoRA factors' keys. */
  static final Map<String, String> LORA_KEYS = Map.of("loraA", "lora_A.weight", "loraB",
      "lora_B.weight");

  /** Copies the key table and the frozen list; exactly one of type and reason is given. */
  public PeftForm {
    if ((peftType == null) == (graftOnly == null)) {
      throw new IllegalArgumentException("PeftForm " + variant + ": give a PEFT type or the reason"
          + " PEFT cannot read it, not both or neither");
    }
    keys = Map.copyOf(keys);
    frozenSaved = List.copyOf(frozenSaved);
  }

  /** A LoRA-config variant PEFT reads, with LoRA's keys. */
  static PeftForm lora(String variant, boolean weightDerived) {
    return new PeftForm("LORA", variant, weightDerived, null, LORA_KEYS, List.of());
  }

  /** A method PEFT reads under {@code peftType}, with these keys. */
  static PeftForm peft(String peftType, String variant, boolean weightDerived,
      Map<String, String> keys) {
    return new PeftForm(peftType, variant, weightDerived, null, keys, List.of());
  }

  /** An adapter only Graft reads, for the reason {@code why}. */
  static PeftForm graftOnly(String variant, boolean weightDerived, String why,
      Map<String, String> keys) {
    return new PeftForm(null, variant, weightDerived, why, keys, List.of());
  }

  /** The key suffix of {@code field}: its entry in {@link #keys}, else its own name. */
  public String key(String field) {
    return keys.getOrDefault(field, field);
  }

  /** This form as one only Graft reads, for the reason {@code why}. */
  PeftForm onlyGraft(String why) {
    return new PeftForm(null, variant, weightDerived, why, keys, frozenSaved);
  }

  /** This form, storing the frozen {@code fields} as well. */
  PeftForm alsoStoring(String... fields) {
    return new PeftForm(peftType, variant, weightDerived, graftOnly, keys, List.of(fields));
  }
}
