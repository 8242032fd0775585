package dev.graft.dsl.io;

import dev.graft.dsl.lora.AdapterFactory;
import dev.graft.dsl.lora.AdapterKind;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.lora.PeftForm;
import dev.graft.dsl.lora.ZooAdapter;
import dev.graft.dsl.lora.PeftLoKrConv;
import dev.graft.dsl.lora.PeftLoKrLinear;
import dev.graft.dsl.lora.PeftOFTLinear;
import dev.graft.runtime.Tensor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the checkpoint code needs to know about each adapter: the PEFT method it corresponds to
 * ({@code peft_type} and, for LoRA's variants, the config flag), whether its frozen parts were
 * computed from the base weight (so a base loaded afterwards would not fit them), and its rank,
 * scale, seed and dropout as plain numbers. A zoo adapter states all of it itself ({@link
 * ZooAdapter}, {@link PeftForm}); the PEFT-form LoKr and OFT are listed here; a wrapper outside
 * both is of kind {@link #GRAFT}: saved under its own field names, readable by Graft only, its
 * numbers read from record components of those names where it has them.
 *
 * @param peftType PEFT's {@code peft_type}, or {@code "GRAFT"} where PEFT has no such method
 * @param variant how a LoRA-family config tells the variant apart ({@code "lora"}, {@code
 *     "rslora"}, {@code "dora"}, {@code "pissa"}, {@code "milora"}, {@code "lorafa"}); else the
 *     lower-case method name
 * @param weightDerived whether the adapter's initialization read the base weight (DoRA's
 *     magnitude, PiSSA's and MiLoRA's residual, LoRA-XS's factors)
 * @param graftOnly why PEFT cannot read this kind with the same meaning (null when it can)
 */
record AdapterKinds(String peftType, String variant, boolean weightDerived,
    @Nullable String graftOnly) {
  /** PEFT's LoRA (and the variants a LoRA config expresses with flags). */
  static final String LORA = "LORA";
  /** PEFT's (IA)³. */
  static final String IA3 = "IA3";
  /** PEFT's VeRA. */
  static final String VERA = "VERA";
  /** PEFT's LoKr. */
  static final String LOKR = "LOKR";
  /** PEFT's OFT (0.21's form: {@link PeftOFTLinear}). */
  static final String OFT = "OFT";
  /**
   * The {@code peft_type} of a directory only Graft reads (a kind PEFT lacks, several methods at
   * once). PEFT looks its {@code peft_type} up in a table and fails with {@code KeyError: '<the
   * value>'}, so the value itself is the message a PEFT user sees.
   */
  static final String GRAFT = "GRAFT: not a Hugging Face PEFT adapter; only Graft's loadAdapter"
      + " reads it (see graft_only_reason in adapter_config.json)";
  /** What older Graft versions wrote as {@code peft_type} for {@link #GRAFT}; read as it. */
  static final String LEGACY_GRAFT = "GRAFT";

  /**
   * The PEFT-form adapters outside the zoo's catalog (they exist to read and write PEFT's own
   * parametrization); every catalog adapter describes itself ({@link ZooAdapter#peft()}).
   */
  private static final Map<Class<?>, AdapterKinds> KNOWN = Map.ofEntries(
      Map.entry(PeftLoKrLinear.class, peft(LOKR, "lokr", false)),
      Map.entry(PeftLoKrConv.class, peft(LOKR, "lokr", false)),
      Map.entry(PeftOFTLinear.class, peft(OFT, "oft", false)));

  private static AdapterKinds peft(String type, String variant, boolean weightDerived) {
    return new AdapterKinds(type, variant, weightDerived, null);
  }

  private static AdapterKinds graftOnly(String variant, boolean weightDerived, String why) {
    return new AdapterKinds(GRAFT, variant, weightDerived, why);
  }

  /**
   * The kind of {@code wrapper}: a catalog adapter's own {@link PeftForm}, the table's entry for
   * a PEFT-form adapter, {@code GRAFT} for any other class.
   */
  static AdapterKinds of(LoraWrapper wrapper) {
    if (wrapper instanceof ZooAdapter z) {
      PeftForm f = z.peft();
      return new AdapterKinds(f.peftType() != null ? f.peftType() : GRAFT, f.variant(),
          f.weightDerived(), f.graftOnly());
    }
    AdapterKinds k = KNOWN.get(wrapper.getClass());
    return k != null ? k : graftOnly("custom", false, wrapper.getClass().getName()
        + " is not a zoo adapter with a PEFT form");
  }

  /**
   * Whether the class name {@code cls} a Graft description records is {@code w}'s class, or an
   * earlier per-layer name of its kind (a {@code LoRALinear} written before LoRA became one class)
   * whose {@code FACTORY} builds {@code w}'s kind.
   */
  static boolean describes(String cls, LoraWrapper w) {
    if (cls.equals(w.getClass().getName())) {
      return true;
    }
    if (!(w instanceof ZooAdapter z) || !cls.startsWith("dev.graft.dsl.lora.")) {
      return false;
    }
    try {
      Object f = Class.forName(cls).getField("FACTORY").get(null);
      return f instanceof AdapterFactory af && AdapterKind.of(af).orElse(null) == z.kind();
    } catch (ReflectiveOperationException | LinkageError e) {
      return false; // not a class of the zoo with a factory: a different adapter
    }
  }

  /**
   * The fields of {@code w} a PEFT directory stores: its trainable fields, plus the frozen ones
   * PEFT's own form of the method holds (LoRA-FA's {@code A}, which PEFT's plain LoRA stores).
   */
  static List<String> savedFields(LoraWrapper w) {
    if (w instanceof ZooAdapter z && !z.peft().frozenSaved().isEmpty()) {
      List<String> out = new ArrayList<>(z.peft().frozenSaved());
      for (String f : w.adapterFields()) {
        if (!out.contains(f)) {
          out.add(f);
        }
      }
      return List.copyOf(out);
    }
    return w.adapterFields();
  }

  /**
   * The rank as a PEFT config states it: the inner dimension of the low-rank factors (LoRA's
   * {@code B (out, r)}, LoRA-XS's {@code R}), VeRA's {@code λ_d} length, LoKr's {@code W1} size,
   * OFT's block size; 0 when the adapter has none (IA3).
   */
  static int rank(LoraWrapper w) {
    if (w instanceof ZooAdapter z) {
      return z.rank();
    }
    if (w instanceof PeftLoKrLinear k) {
      return k.rank();
    }
    if (w instanceof PeftLoKrConv k) {
      return k.rank();
    }
    if (w instanceof PeftOFTLinear o) {
      return o.blockSize();
    }
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
    if (w instanceof ZooAdapter z) {
      return Double.isNaN(z.updateScale()) ? null : z.updateScale();
    }
    return component(w, "scale") instanceof Double d ? d : null;
  }

  /** The wrapper's {@code seed} component (VeRA), if it has one. */
  static @Nullable Long seed(LoraWrapper w) {
    if (w instanceof ZooAdapter z) {
      return z.sharedSeed();
    }
    return component(w, "seed") instanceof Long s ? s : null;
  }

  /** The wrapper's {@code dropout} component, 0 if it has none. */
  static double dropout(LoraWrapper w) {
    if (w instanceof ZooAdapter z) {
      return z.dropout();
    }
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
        } catch (IllegalAccessException | java.lang.reflect.InaccessibleObjectException e) {
          return null; // a record Graft may not read: it states no such value
        } catch (InvocationTargetException e) {
          throw new IllegalStateException("reading component '" + name + "' of "
              + record.getClass().getName() + " failed: " + e.getCause(), e.getCause());
        }
      }
    }
    return null;
  }
}
