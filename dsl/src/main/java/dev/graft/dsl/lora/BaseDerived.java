package dev.graft.dsl.lora;

/**
 * An adapter whose state was derived from its base weight when it was built (DoRA's magnitude,
 * PiSSA's and MiLoRA's split of the weight, LoRA-XS's singular vectors): what {@code
 * Net.loadBase} does when a new base weight is loaded under it.
 *
 * <p>{@code loadBase} first calls {@link #checkNewBase()} on every such adapter (nothing is read
 * if one refuses), then reads the new base leaves into the tree, then replaces each adapter by
 * {@link #withNewBase()} of the adapter now holding the new base.
 */
public interface BaseDerived extends LoraWrapper {
  /**
   * Returns normally when a new base can be loaded under this adapter; otherwise throws an {@link
   * IllegalStateException} saying why, to be shown to the user.
   */
  void checkNewBase();

  /**
   * This adapter, whose {@link #base()} was just replaced by a new one, with whatever it derives
   * from the base made to fit the new base.
   */
  LoraWrapper withNewBase();

  /** The reason PiSSA and MiLoRA refuse a new base, naming the adapter and the end it keeps. */
  static IllegalStateException splitRefusal(String adapter, String which) {
    return new IllegalStateException(adapter + " moved the " + which + " singular part of the"
        + " old weight into its trainable A and B and keeps only the rest as its base, so a new"
        + " base would have to be split again, replacing A and B; load the plain model first"
        + " (Net.load), then add the adapter");
  }

  /** Whether LoRA-XS's {@code R} is still zero (untrained), which lets it take a new base. */
  static void requireUntrained(String adapter, dev.graft.runtime.Tensor loraR) {
    for (float v : loraR.toArray()) {
      if (v != 0f) {
        throw new IllegalStateException(adapter + "'s trained R mixes the old weight's singular"
            + " vectors, which a new base does not share; load the base before training (R = 0),"
            + " or load the plain model first (Net.load), then add the adapter");
      }
    }
  }
}
