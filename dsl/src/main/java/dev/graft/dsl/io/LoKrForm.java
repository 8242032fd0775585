package dev.graft.dsl.io;

import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.lora.PeftLoKrConv;
import dev.graft.dsl.lora.PeftLoKr;
import dev.graft.dsl.lora.PeftLoKrLinear;
import dev.graft.dsl.tree.Path;
import dev.graft.runtime.Tensor;
import java.util.Map;

/**
 * The {@code decompose_both} and {@code decompose_factor} of a PEFT {@code LoKrConfig} under
 * which PEFT would build exactly the factor shapes that {@link PeftLoKrLinear} and {@link
 * PeftLoKrConv} layers hold, so a
 * saved directory loads in PEFT with the same shapes (and hence the same meaning).
 *
 * @param decomposeBoth PEFT's {@code decompose_both}
 * @param decomposeFactor PEFT's {@code decompose_factor} ({@code -1}: near the square root)
 */
record LoKrForm(boolean decomposeBoth, int decomposeFactor) {
  /**
   * The form of {@code wrappers} (all PEFT-form LoKr); an {@link IllegalStateException}
   * when no single PEFT config yields their shapes.
   */
  static LoKrForm of(Map<Path, LoraWrapper> wrappers) {
    boolean both = false;
    int candidate = -1;
    for (LoraWrapper w : wrappers.values()) {
      Shape k = Shape.of(w);
      both |= !k.wholeW1();
      if (candidate == -1) {
        candidate = k.a();
      }
    }
    for (int factor : new int[] {-1, candidate}) {
      LoKrForm f = new LoKrForm(both, factor);
      if (f.fitsAll(wrappers)) {
        return f;
      }
    }
    throw new IllegalStateException("saveAdapter: no single PEFT LoKrConfig (decompose_both,"
        + " decompose_factor) gives the factor shapes these PEFT-form LoKr layers hold; build them"
        + " with one factory(...) call");
  }

  private boolean fitsAll(Map<Path, LoraWrapper> wrappers) {
    for (LoraWrapper w : wrappers.values()) {
      if (!fits(Shape.of(w))) {
        return false;
      }
    }
    return true;
  }

  /** Whether PEFT would give {@code k}'s base and rank exactly {@code k}'s factor forms. */
  private boolean fits(Shape k) {
    int[] o = PeftLoKr.factorization(k.out(), decomposeFactor);
    int[] i = PeftLoKr.factorization(k.in(), decomposeFactor);
    return k.a() == o[0] && k.c() == i[0] && k.out() / k.a() == o[1] && k.in() / k.c() == i[1]
        && k.wholeW1() == PeftLoKr.fullW1(k.rank(), o[0], i[0], decomposeBoth)
        && k.wholeW2() == PeftLoKr.fullW2(k.rank(), o[1], i[1]);
  }

  /**
   * What decides a PEFT-form LoKr layer's shapes: the channels PEFT factors ({@code out}, and
   * {@code in} or {@code in/groups}), {@code W1 (a, c)}, the rank, and which factors are whole.
   */
  private record Shape(int out, int in, int a, int c, int rank, boolean wholeW1,
      boolean wholeW2) {
    static Shape of(LoraWrapper w) {
      if (w instanceof PeftLoKrLinear k) {
        Tensor w1 = k.lokrW1() != null ? k.lokrW1() : k.lokrW1A();
        int c = k.lokrW1() != null ? k.lokrW1().dim(1) : k.lokrW1B().dim(1);
        return new Shape(k.base().outFeatures(), k.base().inFeatures(), w1.dim(0), c, k.rank(),
            k.lokrW1() != null, k.lokrW2() != null);
      }
      PeftLoKrConv k = (PeftLoKrConv) w;
      Tensor w1 = k.lokrW1() != null ? k.lokrW1() : k.lokrW1A();
      int c = k.lokrW1() != null ? k.lokrW1().dim(1) : k.lokrW1B().dim(1);
      return new Shape(k.base().weight().dim(0), k.base().weight().dim(1), w1.dim(0), c,
          k.rank(), k.lokrW1() != null, k.lokrW2() != null);
    }
  }
}
