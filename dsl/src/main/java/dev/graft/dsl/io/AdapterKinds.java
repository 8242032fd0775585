package dev.graft.dsl.io;

import dev.graft.dsl.lora.DoRAConv;
import dev.graft.dsl.lora.DoRALinear;
import dev.graft.dsl.lora.IA3Conv;
import dev.graft.dsl.lora.IA3Linear;
import dev.graft.dsl.lora.LoKrConv;
import dev.graft.dsl.lora.LoKrLinear;
import dev.graft.dsl.lora.LoRAConv;
import dev.graft.dsl.lora.LoRAFAConv;
import dev.graft.dsl.lora.LoRAFALinear;
import dev.graft.dsl.lora.LoRALinear;
import dev.graft.dsl.lora.LoRAXSConv;
import dev.graft.dsl.lora.LoRAXSLinear;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.lora.MiLoRAConv;
import dev.graft.dsl.lora.MiLoRALinear;
import dev.graft.dsl.lora.OFTConv;
import dev.graft.dsl.lora.OFTLinear;
import dev.graft.dsl.lora.PiSSAConv;
import dev.graft.dsl.lora.PiSSALinear;
import dev.graft.dsl.lora.RsLoRAConv;
import dev.graft.dsl.lora.RsLoRALinear;
import dev.graft.dsl.lora.VeRAConv;
import dev.graft.dsl.lora.VeRALinear;
import dev.graft.runtime.Tensor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the checkpoint code needs to know about each zoo class: the PEFT method it corresponds to
 * ({@code peft_type} and, for LoRA's variants, the config flag), whether its frozen parts were
 * computed from the base weight (so a base loaded afterwards would not fit them), and its rank,
 * scale, seed and dropout as plain numbers. A wrapper outside the zoo is of kind {@link #GRAFT}:
 * saved under its own field names, readable by Graft only.
 *
 * @param peftType PEFT's {@code peft_type}, or {@code "GRAFT"} where PEFT has no such method
 * @param variant how a LoRA-family config tells the variant apart ({@code "lora"}, {@code
 *     "rslora"}, {@code "dora"}, {@code "pissa"}, {@code "milora"}, {@code "lorafa"}); else the
 *     lower-case method name
 * @param weightDerived whether the adapter's initialization read the base weight (DoRA's
 *     magnitude, PiSSA's and MiLoRA's residual, LoRA-XS's factors)
 */
record AdapterKinds(String peftType, String variant, boolean weightDerived) {
  /** PEFT's LoRA (and the variants a LoRA config expresses with flags). */
  static final String LORA = "LORA";
  /** PEFT's (IA)³. */
  static final String IA3 = "IA3";
  /** PEFT's VeRA. */
  static final String VERA = "VERA";
  /** PEFT's LoKr. */
  static final String LOKR = "LOKR";
  /** PEFT's OFT (key name only; see {@link PeftAdapters} on the convention). */
  static final String OFT = "OFT";
  /** Not a PEFT method, or several methods at once: only Graft reads such a directory. */
  static final String GRAFT = "GRAFT";

  private static final Map<Class<?>, AdapterKinds> KNOWN = Map.ofEntries(
      Map.entry(LoRALinear.class, new AdapterKinds(LORA, "lora", false)),
      Map.entry(LoRAConv.class, new AdapterKinds(LORA, "lora", false)),
      Map.entry(RsLoRALinear.class, new AdapterKinds(LORA, "rslora", false)),
      Map.entry(RsLoRAConv.class, new AdapterKinds(LORA, "rslora", false)),
      Map.entry(LoRAFALinear.class, new AdapterKinds(LORA, "lorafa", false)),
      Map.entry(LoRAFAConv.class, new AdapterKinds(LORA, "lorafa", false)),
      Map.entry(DoRALinear.class, new AdapterKinds(LORA, "dora", true)),
      Map.entry(DoRAConv.class, new AdapterKinds(LORA, "dora", true)),
      Map.entry(PiSSALinear.class, new AdapterKinds(LORA, "pissa", true)),
      Map.entry(PiSSAConv.class, new AdapterKinds(LORA, "pissa", true)),
      Map.entry(MiLoRALinear.class, new AdapterKinds(LORA, "milora", true)),
      Map.entry(MiLoRAConv.class, new AdapterKinds(LORA, "milora", true)),
      Map.entry(LoRAXSLinear.class, new AdapterKinds(GRAFT, "loraxs", true)),
      Map.entry(LoRAXSConv.class, new AdapterKinds(GRAFT, "loraxs", true)),
      Map.entry(IA3Linear.class, new AdapterKinds(IA3, "ia3", false)),
      Map.entry(IA3Conv.class, new AdapterKinds(IA3, "ia3", false)),
      Map.entry(VeRALinear.class, new AdapterKinds(VERA, "vera", false)),
      Map.entry(VeRAConv.class, new AdapterKinds(VERA, "vera", false)),
      Map.entry(LoKrLinear.class, new AdapterKinds(LOKR, "lokr", false)),
      Map.entry(LoKrConv.class, new AdapterKinds(LOKR, "lokr", false)),
      Map.entry(OFTLinear.class, new AdapterKinds(OFT, "oft", false)),
      Map.entry(OFTConv.class, new AdapterKinds(OFT, "oft", false)));

  /** The kind of {@code wrapper}; {@code GRAFT} for classes outside the zoo. */
  static AdapterKinds of(LoraWrapper wrapper) {
    AdapterKinds k = KNOWN.get(wrapper.getClass());
    return k != null ? k : new AdapterKinds(GRAFT, "custom", false);
  }

  /**
   * The rank as a PEFT config states it: the inner dimension of the low-rank factors (LoRA's
   * {@code B (out, r)}, LoRA-XS's {@code R}), VeRA's {@code λ_d} length, LoKr's {@code W1} size,
   * OFT's block size; 0 when the adapter has none (IA3).
   */
  static int rank(LoraWrapper w) {
    Map<String, Object> c = w.children();
    if (c.get("loraB") instanceof Tensor b && b.ndim() >= 2) {
      return b.dim(1); // (out, r), or (G, r, out) for grouped layers
    }
    if (c.get("loraR") instanceof Tensor r && r.ndim() >= 1) {
      return r.dim(0);
    }
    if (c.get("lambdaD") instanceof Tensor d && d.ndim() == 1) {
      return d.dim(0);
    }
    if (c.get("lokrW1") instanceof Tensor w1 && w1.ndim() >= 1) {
      return w1.dim(0);
    }
    if (c.get("oftS") instanceof Tensor s && s.ndim() == 3) {
      return s.dim(1);
    }
    return 0;
  }

  /** The wrapper's {@code scale} component, if it has one. */
  static @Nullable Double scale(LoraWrapper w) {
    return component(w, "scale") instanceof Double d ? d : null;
  }

  /** The wrapper's {@code seed} component (VeRA), if it has one. */
  static @Nullable Long seed(LoraWrapper w) {
    return component(w, "seed") instanceof Long s ? s : null;
  }

  /** The wrapper's {@code dropout} component, 0 if it has none. */
  static double dropout(LoraWrapper w) {
    return component(w, "dropout") instanceof Double d ? d : 0.0;
  }

  /**
   * The {@code α} that gives {@code w}'s scale: {@code s·√r} for rsLoRA, {@code s·r} for the other
   * scaled adapters; null when the adapter has no scale (IA3, VeRA, OFT) or no rank.
   */
  @Nullable Double alpha(LoraWrapper w) {
    Double s = scale(w);
    int r = rank(w);
    if (s == null || r == 0) {
      return null;
    }
    return variant.equals("rslora") ? s * Math.sqrt(r) : s * r;
  }

  /**
   * The scale a config's {@code α} and rank give this kind of adapter: {@code α/√r} for rsLoRA,
   * {@code α/r} otherwise.
   */
  double scaleFor(double alpha, int rank) {
    return variant.equals("rslora") ? alpha / Math.sqrt(rank) : alpha / rank;
  }

  private static @Nullable Object component(Object record, String name) {
    RecordComponent[] components = record.getClass().getRecordComponents();
    if (components == null) {
      return null;
    }
    for (RecordComponent c : components) {
      if (c.getName().equals(name)) {
        try {
          c.getAccessor().setAccessible(true);
          return c.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
          return null;
        }
      }
    }
    return null;
  }
}
