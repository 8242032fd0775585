package dev.graft.dsl.io;

import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.lora.PeftLoKr;
import dev.graft.dsl.lora.PeftLoKrLinear;
import dev.graft.dsl.tree.Path;
import java.util.Map;

/**
 * The {@code decompose_both} and {@code decompose_factor} of a PEFT {@code LoKrConfig} under
 * which PEFT would build exactly the factor shapes that {@link PeftLoKrLinear} layers hold, so a
 * saved directory loads in PEFT with the same shapes (and hence the same meaning).
 *
 * @param decomposeBoth PEFT's {@code decompose_both}
 * @param decomposeFactor PEFT's {@code decompose_factor} ({@code -1}: near the square root)
 */
record LoKrForm(boolean decomposeBoth, int decomposeFactor) {
  /**
   * The form of {@code wrappers} (all {@link PeftLoKrLinear}); an {@link IllegalStateException}
   * when no single PEFT config yields their shapes.
   */
  static LoKrForm of(Map<Path, LoraWrapper> wrappers) {
    boolean both = false;
    Integer candidate = null;
    for (LoraWrapper w : wrappers.values()) {
      PeftLoKrLinear k = (PeftLoKrLinear) w;
      both |= k.lokrW1() == null;
      if (candidate == null) {
        candidate = k.w1().dim(0);
      }
    }
    for (int factor : new int[] {-1, candidate}) {
      LoKrForm f = new LoKrForm(both, factor);
      if (f.fitsAll(wrappers)) {
        return f;
      }
    }
    throw new IllegalStateException("saveAdapter: no single PEFT LoKrConfig (decompose_both,"
        + " decompose_factor) gives the factor shapes these PeftLoKrLinear layers hold; build them"
        + " with one PeftLoKrLinear.factory(...)");
  }

  private boolean fitsAll(Map<Path, LoraWrapper> wrappers) {
    for (LoraWrapper w : wrappers.values()) {
      if (!fits((PeftLoKrLinear) w)) {
        return false;
      }
    }
    return true;
  }

  /** Whether PEFT would give {@code k}'s base and rank exactly {@code k}'s factor forms. */
  boolean fits(PeftLoKrLinear k) {
    int[] o = PeftLoKr.factorization(k.base().outFeatures(), decomposeFactor);
    int[] i = PeftLoKr.factorization(k.base().inFeatures(), decomposeFactor);
    int r = k.rank();
    return k.w1().dim(0) == o[0] && k.w1().dim(1) == i[0]
        && k.w2().dim(0) == o[1] && k.w2().dim(1) == i[1]
        && (k.lokrW1() != null) == PeftLoKr.fullW1(r, o[0], i[0], decomposeBoth)
        && (k.lokrW2() != null) == PeftLoKr.fullW2(r, o[1], i[1]);
  }
}
