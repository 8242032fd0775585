package dev.graft.dsl.lora;

/**
 * PiSSA's and MiLoRA's shared shape: a low-rank adapter whose factors took part of the weight
 * ({@code r} singular triplets) and whose base is the residual, so a new base cannot be loaded
 * under it (see {@link BaseDerived#splitRefusal}).
 */
interface SvdSplitAdapter extends LowRankAdapter, BaseDerived {
  /** Which singular triplets the factors took: {@code "top-r"} or {@code "bottom-r"}. */
  String triplets();

  /** Refused: see {@link BaseDerived#splitRefusal}. */
  @Override
  default void checkNewBase() {
    throw BaseDerived.splitRefusal(kind().name(), triplets());
  }

  /** Never reached: {@link #checkNewBase()} refuses. */
  @Override
  default LoraWrapper withNewBase() {
    throw BaseDerived.splitRefusal(kind().name(), triplets());
  }
}
