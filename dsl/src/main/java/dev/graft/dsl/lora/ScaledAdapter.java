package dev.graft.dsl.lora;

/**
 * A zoo adapter whose update carries a scale {@code s} as a component ({@code α/r}, or {@code
 * α/√r} for rsLoRA): LoRA's family, DoRA, LoRA-XS, LoKr.
 */
interface ScaledAdapter extends ZooAdapter {
  /** The scale {@code s} of the update. */
  double scale();

  /** {@link #scale()}. */
  @Override
  default double updateScale() {
    return scale();
  }
}
