package dev.graft.dsl.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import dev.graft.dsl.lora.PeftOFTLinear;
import org.jspecify.annotations.Nullable;

/**
 * {@code adapter_config.json}: written with PEFT's field names for the adapters' method, plus a
 * {@code "graft"} object that pins down every adapted layer exactly; read back and checked against
 * the adapted tree it is loaded onto. Without the {@code "graft"} object (a file written by PEFT)
 * the PEFT fields are checked instead: {@code peft_type}, {@code r} / {@code rank_pattern}, the
 * scale from {@code lora_alpha} / {@code alpha_pattern} and {@code use_rslora}, {@code use_dora},
 * VeRA's {@code projection_prng_key}, OFT's {@code oft_block_size}.
 */
final class PeftConfig {
  /** The {@code peft_type} values this code reads. */
  static final List<String> KNOWN_TYPES = List.of(AdapterKinds.LORA, AdapterKinds.IA3,
      AdapterKinds.VERA, AdapterKinds.LOKR, AdapterKinds.OFT, AdapterKinds.GRAFT,
      AdapterKinds.LEGACY_GRAFT);

  private static final double TOLERANCE = 1e-6;

  private PeftConfig() {}

  /**
   * The PEFT method all of {@code wrappers} share; {@code GRAFT} when they are of several methods
   * (or LoRA variants a single PEFT config cannot express), or of one PEFT does not have.
   */
  static String peftType(Map<Path, LoraWrapper> wrappers) {
    String type = null;
    String variant = null;
    for (LoraWrapper w : wrappers.values()) {
      AdapterKinds k = AdapterKinds.of(w);
      if (type == null) {
        type = k.peftType();
        variant = k.variant();
      } else if (!type.equals(k.peftType()) || !variant.equals(k.variant())) {
        return AdapterKinds.GRAFT;
      }
    }
    return type == null ? AdapterKinds.GRAFT : type;
  }

  // ------------------------------------------------------------------ writing

  /**
   * Why a directory of {@code wrappers} is Graft-only, or null when PEFT reads it with the same
   * meaning; {@code seededVera}: VeRA's projections are left out of the file.
   */
  static @Nullable String graftOnlyReason(Map<Path, LoraWrapper> wrappers, boolean seededVera) {
    Set<String> reasons = new LinkedHashSet<>();
    Set<String> methods = new LinkedHashSet<>();
    for (LoraWrapper w : wrappers.values()) {
      AdapterKinds k = AdapterKinds.of(w);
      methods.add(k.peftType() + "/" + k.variant());
      if (k.graftOnly() != null) {
        reasons.add(w.getClass().getSimpleName() + ": " + k.graftOnly());
      }
    }
    if (methods.size() > 1) {
      reasons.add("the net holds several adapter methods (" + describe(wrappers) + "); a PEFT"
          + " config describes one");
    }
    if (!reasons.isEmpty()) {
      return String.join("; ", reasons);
    }
    if (seededVera) {
      return "VeRA's shared projections are not stored: Graft regenerates them from the seed in"
          + " \"graft\"; PEFT would draw different ones with torch's generator";
    }
    return null;
  }

  /** The config for {@code wrappers} (non-empty) and the extra trainable modules. */
  static Map<String, Object> build(Map<Path, LoraWrapper> wrappers,
      List<Path> modulesToSave, boolean seededVera) {
    String graftOnly = graftOnlyReason(wrappers, seededVera);
    String type = graftOnly != null ? AdapterKinds.GRAFT : peftType(wrappers);
    LoraWrapper first = wrappers.values().iterator().next();
    AdapterKinds k0 = AdapterKinds.of(first);
    int r0 = AdapterKinds.rank(first);
    Double a0 = k0.alpha(first);
    Map<String, Object> c = new TreeMap<>(); // values may be null: JSON null
    c.put("peft_type", type);
    c.put("task_type", null);
    c.put("base_model_name_or_path", null);
    c.put("revision", null);
    c.put("inference_mode", true);
    c.put("bias", "none");
    c.put("fan_in_fan_out", false);
    Set<String> targets = new TreeSet<>();
    for (Path p : wrappers.keySet()) {
      targets.add(ModuleNames.dotted(p));
    }
    c.put("target_modules", List.copyOf(targets));
    List<String> mods = new ArrayList<>();
    for (Path p : modulesToSave) {
      mods.add(ModuleNames.dotted(p));
    }
    c.put("modules_to_save", mods.isEmpty() ? null : mods);
    Map<String, Object> rankPattern = new TreeMap<>();
    Map<String, Object> alphaPattern = new TreeMap<>();
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      String name = ModuleNames.dotted(e.getKey());
      int r = AdapterKinds.rank(e.getValue());
      Double a = AdapterKinds.of(e.getValue()).alpha(e.getValue());
      if (r != r0) {
        rankPattern.put(name, r);
      }
      if (a != null && !a.equals(a0)) {
        alphaPattern.put(name, a);
      }
    }
    switch (type) {
      case AdapterKinds.LORA -> {
        c.put("r", r0);
        c.put("lora_alpha", a0);
        c.put("lora_dropout", AdapterKinds.dropout(first));
        c.put("use_rslora", k0.variant().equals("rslora"));
        c.put("use_dora", k0.variant().equals("dora"));
        c.put("init_lora_weights", k0.variant().equals("pissa") ? "pissa"
            : k0.variant().equals("milora") ? "milora" : true);
        c.put("rank_pattern", rankPattern);
        c.put("alpha_pattern", alphaPattern);
      }
      case AdapterKinds.IA3 -> {
        c.put("feedforward_modules", List.of());
        c.put("init_ia3_weights", true);
      }
      case AdapterKinds.VERA -> {
        c.put("r", r0);
        c.put("projection_prng_key", AdapterKinds.seed(first));
        c.put("save_projection", true);
        c.put("vera_dropout", AdapterKinds.dropout(first));
        c.put("d_initial", 0.1);
      }
      case AdapterKinds.LOKR -> {
        c.put("r", r0);
        c.put("alpha", a0);
        c.put("rank_pattern", rankPattern);
        c.put("alpha_pattern", alphaPattern);
        c.put("rank_dropout", 0.0);
        c.put("module_dropout", 0.0);
        LoKrForm form = LoKrForm.of(wrappers);
        c.put("decompose_both", form.decomposeBoth());
        c.put("decompose_factor", form.decomposeFactor());
        c.put("use_effective_conv2d", false);
        c.put("init_weights", true);
      }
      case AdapterKinds.OFT -> {
        PeftOFTLinear.Options o = oftOptions(wrappers);
        c.put("r", 0);
        c.put("oft_block_size", r0);
        for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
          int b = AdapterKinds.rank(e.getValue());
          if (b != r0) {
            throw new IllegalStateException("saveAdapter: PEFT's OFTConfig has one oft_block_size"
                + " but '" + e.getKey() + "' has blocks of " + b + " and others of " + r0);
          }
        }
        c.put("module_dropout", 0.0);
        c.put("coft", o.coft());
        c.put("eps", o.eps());
        c.put("block_share", o.blockShare());
        c.put("use_cayley_neumann", o.cayleyNeumann());
        c.put("num_cayley_neumann_terms", o.neumannTerms());
        c.put("init_weights", true);
      }
      default -> {
        c.put("r", r0);
        c.put("lora_alpha", a0);
        c.put("lora_dropout", AdapterKinds.dropout(first));
        c.put("graft_only_reason", graftOnly);
      }
    }
    Map<String, Object> layers = new TreeMap<>();
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      LoraWrapper w = e.getValue();
      Map<String, Object> layer = new TreeMap<>();
      layer.put("class", w.getClass().getName());
      layer.put("rank", AdapterKinds.rank(w));
      Double s = AdapterKinds.scale(w);
      if (s != null) {
        layer.put("scale", s);
      }
      Long seed = AdapterKinds.seed(w);
      if (seed != null) {
        layer.put("seed", seed);
      }
      layer.put("adapter_fields", w.adapterFields());
      layers.put(e.getKey().toString(), layer);
    }
    Map<String, Object> graft = new TreeMap<>();
    graft.put("format_version", Checkpoints.FORMAT_VERSION);
    graft.put("layers", layers);
    List<String> modPaths = new ArrayList<>();
    for (Path p : modulesToSave) {
      modPaths.add(p.toString());
    }
    graft.put("modules_to_save", modPaths);
    boolean vera = false;
    for (LoraWrapper w : wrappers.values()) {
      vera |= AdapterKinds.seed(w) != null;
    }
    if (vera) {
      graft.put("vera_projections", seededVera ? "seeded: regenerated from each layer's seed"
          : "stored: base_model.vera_A and base_model.vera_B");
    }
    c.put("graft", graft);
    return c;
  }

  // ------------------------------------------------------------------ reading

  /**
   * Checks {@code config} (from {@code file}) against the adapted layers {@code wrappers} of
   * {@code tree}; returns the extra modules whose leaves the weights file also holds.
   */
  static List<Path> check(java.nio.file.Path file, JsonNode config, Layer tree,
      Map<Path, LoraWrapper> wrappers, boolean projectionsStored) {
    JsonNode typeNode = config.get("peft_type");
    if (typeNode == null || !typeNode.isTextual()) {
      throw bad(file, "has no \"peft_type\" string");
    }
    String type = typeNode.textValue();
    if (!KNOWN_TYPES.contains(type)) {
      throw bad(file, "\"peft_type\" is '" + SafetensorsException.shown(type) + "', which Graft does"
          + " not read; known: LORA, IA3, VERA, LOKR, OFT and Graft's own");
    }
    if (type.equals(AdapterKinds.LEGACY_GRAFT)) {
      type = AdapterKinds.GRAFT;
    }
    JsonNode graft = config.get("graft");
    if (graft != null && !graft.isNull()) {
      return checkGraft(file, type, graft, tree, wrappers, projectionsStored);
    }
    if (type.equals(AdapterKinds.GRAFT)) {
      throw bad(file, "\"peft_type\" GRAFT needs the \"graft\" object that describes each layer");
    }
    checkPeft(file, type, config, wrappers, projectionsStored);
    return modules(file, "modules_to_save", config.get("modules_to_save"), tree, wrappers, true);
  }

  /**
   * The {@code modules_to_save} of {@code config} as module paths of {@code tree} (from {@code
   * "graft"} when present, else PEFT's dotted names).
   */
  static List<Path> modulesToSave(java.nio.file.Path file, JsonNode config, Layer tree,
      Map<Path, LoraWrapper> wrappers) {
    JsonNode graft = config.get("graft");
    if (graft != null && graft.isObject()) {
      return modules(file, "graft.modules_to_save", graft.get("modules_to_save"), tree, wrappers,
          false);
    }
    return modules(file, "modules_to_save", config.get("modules_to_save"), tree, wrappers, true);
  }

  private static List<Path> checkGraft(java.nio.file.Path file, String type, JsonNode graft,
      Layer tree, Map<Path, LoraWrapper> wrappers, boolean projectionsStored) {
    if (!graft.isObject()) {
      throw bad(file, "\"graft\" is not an object but " + graft.getNodeType());
    }
    JsonNode version = graft.get("format_version");
    if (version != null && !(version.isInt() && version.intValue() == Checkpoints.FORMAT_VERSION)) {
      throw bad(file, "\"graft\".\"format_version\" is " + version + "; this Graft reads "
          + Checkpoints.FORMAT_VERSION);
    }
    String expected = peftType(wrappers);
    if (!type.equals(expected) && !type.equals(AdapterKinds.GRAFT)) {
      throw bad(file, "\"peft_type\" is " + type + " but the tree's adapters are " + expected
          + " (" + describe(wrappers) + ")");
    }
    JsonNode layers = graft.get("layers");
    if (layers == null || !layers.isObject()) {
      throw bad(file, "\"graft\" has no \"layers\" object");
    }
    Set<String> described = new LinkedHashSet<>();
    for (Iterator<String> it = layers.fieldNames(); it.hasNext(); ) {
      described.add(it.next());
    }
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      String name = e.getKey().toString();
      LoraWrapper w = e.getValue();
      JsonNode layer = layers.get(name);
      if (layer == null) {
        throw bad(file, "describes no adapter at '" + name + "', where the tree holds a "
            + w.getClass().getSimpleName() + "; it describes " + KeyMatch.quoted(
                List.copyOf(described)));
      }
      described.remove(name);
      if (!layer.isObject()) {
        throw bad(file, "layer '" + name + "' is not an object");
      }
      JsonNode cls = layer.get("class");
      if (cls == null || !cls.isTextual() || !AdapterKinds.describes(cls.textValue(), w)) {
        throw bad(file, "layer '" + name + "' is a " + (cls == null ? "missing class" : cls)
            + " but the tree holds a " + w.getClass().getName());
      }
      int rank = AdapterKinds.rank(w);
      JsonNode r = layer.get("rank");
      if (r == null || !r.isInt() || r.intValue() != rank) {
        throw bad(file, "layer '" + name + "' has rank " + r + " but the tree's "
            + w.getClass().getSimpleName() + " has rank " + rank);
      }
      Double scale = AdapterKinds.scale(w);
      JsonNode s = layer.get("scale");
      if (scale != null && (s == null || !s.isNumber() || s.doubleValue() != scale)) {
        throw bad(file, "layer '" + name + "' has scale " + s + " but the tree's "
            + w.getClass().getSimpleName() + " has scale " + scale);
      }
      Long seed = AdapterKinds.seed(w);
      JsonNode sd = layer.get("seed");
      if (seed != null && !projectionsStored && (sd == null || !sd.canConvertToLong() || !sd.isIntegralNumber()
          || sd.longValue() != seed)) {
        throw bad(file, "layer '" + name + "' has seed " + sd + " but the tree's "
            + w.getClass().getSimpleName() + " was drawn from seed " + seed);
      }
    }
    if (!described.isEmpty()) {
      throw bad(file, "describes adapters at " + KeyMatch.quoted(List.copyOf(described))
          + ", which are not adapted layers of the tree (" + describe(wrappers) + ")");
    }
    return modules(file, "graft.modules_to_save", graft.get("modules_to_save"), tree, wrappers,
        false);
  }

  private static void checkPeft(java.nio.file.Path file, String type, JsonNode config,
      Map<Path, LoraWrapper> wrappers, boolean projectionsStored) {
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      AdapterKinds k = AdapterKinds.of(e.getValue());
      if (!k.peftType().equals(type)) {
        throw bad(file, "\"peft_type\" is " + type + " but '" + ModuleNames.dotted(e.getKey())
            + "' holds a " + e.getValue().getClass().getSimpleName() + " (" + (k.graftOnly() != null
                ? "which has no PEFT form: " + k.graftOnly() : k.peftType()) + ")");
      }
    }
    switch (type) {
      case AdapterKinds.LORA -> checkLora(file, config, wrappers);
      case AdapterKinds.LOKR -> checkRanksAndScales(file, config, wrappers, "alpha", false);
      case AdapterKinds.VERA -> {
        checkRanksAndScales(file, config, wrappers, null, false);
        if (!projectionsStored) {
          throw bad(file, "holds no VeRA projections (\"save_projection\" is "
              + config.get("save_projection") + "): PEFT regenerates them from"
              + " \"projection_prng_key\" with torch's generator, which Graft does not reproduce;"
              + " save the adapter in PEFT with save_projection=True (PEFT's default)");
        }
        // The projections come from the file, so projection_prng_key does not matter.
      }
      case AdapterKinds.OFT -> {
        checkOft(file, config, wrappers);
        JsonNode b = config.get("oft_block_size");
        if (b != null && !b.isNull() && !(b.isInt() && b.intValue() == 0)) {
          for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
            int rank = AdapterKinds.rank(e.getValue());
            if (!b.isInt() || b.intValue() != rank) {
              throw bad(file, "\"oft_block_size\" is " + b + " but the OFT at '"
                  + ModuleNames.dotted(e.getKey()) + "' has blocks of " + rank);
            }
          }
        }
      }
      default -> {
        // IA3: nothing beyond the tensors' shapes.
      }
    }
  }

  /** The OFT options all of {@code wrappers} share (PEFT's config holds one set). */
  private static PeftOFTLinear.Options oftOptions(Map<Path, LoraWrapper> wrappers) {
    PeftOFTLinear.Options first = null;
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      PeftOFTLinear.Options o = ((PeftOFTLinear) e.getValue()).options();
      if (first == null) {
        first = o;
      } else if (!first.equals(o)) {
        throw new IllegalStateException("saveAdapter: PEFT's OFTConfig holds one set of options"
            + " but '" + e.getKey() + "' has " + o + " and another layer " + first);
      }
    }
    return first;
  }

  /**
   * OFT's options that change the meaning without changing any shape: {@code coft}, {@code eps},
   * {@code use_cayley_neumann}, {@code num_cayley_neumann_terms}, {@code block_share}; each must
   * equal the tree's (absent fields take PEFT 0.21's defaults).
   */
  private static void checkOft(java.nio.file.Path file, JsonNode config,
      Map<Path, LoraWrapper> wrappers) {
    PeftOFTLinear.Options d = PeftOFTLinear.Options.DEFAULTS;
    boolean coft = flagOr(file, config, "coft", d.coft());
    boolean share = flagOr(file, config, "block_share", d.blockShare());
    boolean neumann = flagOr(file, config, "use_cayley_neumann", d.cayleyNeumann());
    JsonNode t = config.get("num_cayley_neumann_terms");
    int terms = t == null || t.isNull() ? d.neumannTerms() : t.isInt() ? t.intValue() : -1;
    JsonNode ep = config.get("eps");
    double eps = ep == null || ep.isNull() ? d.eps() : ep.isNumber() ? ep.doubleValue() : -1;
    if (terms < 1 || !(eps > 0)) {
      throw bad(file, "\"num_cayley_neumann_terms\" is " + t + " and \"eps\" " + ep
          + "; expected a positive integer and a positive number");
    }
    PeftOFTLinear.Options want = new PeftOFTLinear.Options(share, neumann, terms, coft, eps);
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      PeftOFTLinear.Options have = ((PeftOFTLinear) e.getValue()).options();
      boolean epsMatters = coft || have.coft();
      if (have.blockShare() != share || have.cayleyNeumann() != neumann
          || (neumann && have.neumannTerms() != terms) || have.coft() != coft
          || (epsMatters && Math.abs(have.eps() - eps) > TOLERANCE * eps)) {
        throw bad(file, "gives OFT the options " + want + " but the PeftOFTLinear at '"
            + ModuleNames.dotted(e.getKey()) + "' has " + have + "; build the net with"
            + " PeftOFTLinear.factory(new Options(...)) matching the config");
      }
    }
  }

  private static boolean flagOr(java.nio.file.Path file, JsonNode config, String field,
      boolean absent) {
    JsonNode n = config.get(field);
    return n == null || n.isNull() ? absent : flag(file, config, field);
  }

  private static void checkLora(java.nio.file.Path file, JsonNode config,
      Map<Path, LoraWrapper> wrappers) {
    boolean dora = flag(file, config, "use_dora");
    boolean rs = flag(file, config, "use_rslora");
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      String variant = AdapterKinds.of(e.getValue()).variant();
      if (dora != variant.equals("dora") || rs != variant.equals("rslora")) {
        throw bad(file, "\"use_dora\" is " + dora + " and \"use_rslora\" " + rs + " but '"
            + ModuleNames.dotted(e.getKey()) + "' holds a "
            + e.getValue().getClass().getSimpleName());
      }
    }
    JsonNode init = config.get("init_lora_weights");
    String svd = init != null && init.isTextual() && init.textValue().startsWith("pissa") ? "pissa"
        : init != null && init.isTextual() && init.textValue().startsWith("milora") ? "milora"
        : "";
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      String variant = AdapterKinds.of(e.getValue()).variant();
      boolean treeSvd = variant.equals("pissa") || variant.equals("milora");
      if (treeSvd ? !variant.equals(svd) : !svd.isEmpty()) {
        throw bad(file, "\"init_lora_weights\" is " + init + " but '"
            + ModuleNames.dotted(e.getKey()) + "' holds a "
            + e.getValue().getClass().getSimpleName() + (treeSvd ? ", whose base is the residual"
                + " of an SVD split" : ", whose base is the original weight"));
      }
    }
    checkRanksAndScales(file, config, wrappers, "lora_alpha", rs);
  }

  /**
   * Each layer's rank against {@code r} / {@code rank_pattern}, and (when {@code alphaField} is
   * given) its scale against the {@code α} of {@code alphaField} / {@code alpha_pattern}.
   */
  private static void checkRanksAndScales(java.nio.file.Path file, JsonNode config,
      Map<Path, LoraWrapper> wrappers, @Nullable String alphaField, boolean rs) {
    JsonNode r = config.get("r");
    if (r == null || !r.isInt() || r.intValue() < 1) {
      throw bad(file, "\"r\" is " + r + ", not a positive integer");
    }
    PeftPatterns rankPattern = PeftPatterns.read(file, config, "rank_pattern");
    PeftPatterns alphaPattern = PeftPatterns.read(file, config, "alpha_pattern");
    JsonNode alpha = alphaField == null ? null : config.get(alphaField);
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      String name = ModuleNames.dotted(e.getKey());
      LoraWrapper w = e.getValue();
      JsonNode want = lookup(rankPattern, name, r);
      int rank = AdapterKinds.rank(w);
      if (!want.isInt() || want.intValue() != rank) {
        throw bad(file, "gives '" + name + "' rank " + want + " (\"r\" or \"rank_pattern\") but"
            + " the tree's " + w.getClass().getSimpleName() + " there has rank " + rank);
      }
      Double scale = AdapterKinds.scale(w);
      if (alphaField == null || scale == null) {
        continue;
      }
      JsonNode a = alpha == null || alpha.isNull() ? null : lookup(alphaPattern, name, alpha);
      if (a == null || !a.isNumber()) {
        throw bad(file, "\"" + alphaField + "\" is " + a + ", not a number");
      }
      double expected = rs ? a.doubleValue() / Math.sqrt(rank) : a.doubleValue() / rank;
      if (Math.abs(expected - scale) > TOLERANCE * Math.max(1, Math.abs(scale))) {
        throw bad(file, "\"" + alphaField + "\" " + a + " with rank " + rank + " gives '" + name
            + "' the scale " + expected + " but the tree's " + w.getClass().getSimpleName()
            + " there has scale " + scale);
      }
    }
  }

  private static boolean flag(java.nio.file.Path file, JsonNode config, String field) {
    JsonNode n = config.get(field);
    if (n == null || n.isNull()) {
      return false;
    }
    if (!n.isBoolean()) {
      throw bad(file, "\"" + field + "\" is " + n + ", not true or false");
    }
    return n.booleanValue();
  }


  private static JsonNode lookup(PeftPatterns patterns, String name, JsonNode fallback) {
    JsonNode v = patterns.lookup(name);
    return v != null ? v : fallback;
  }

  /** Layer paths from a JSON list (dotted names or slash paths); null or absent is none. */
  private static List<Path> modules(java.nio.file.Path file, String field, @Nullable JsonNode n,
      Layer tree, Map<Path, LoraWrapper> wrappers, boolean dotted) {
    List<Path> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      throw bad(file, "\"" + field + "\" is not a list but " + n.getNodeType());
    }
    Set<Path> nodes = new LinkedHashSet<>(Tree.nodes(tree));
    for (JsonNode m : n) {
      if (!m.isTextual()) {
        throw bad(file, "\"" + field + "\" holds " + m + ", not a module name");
      }
      Path p;
      try {
        p = dotted ? ModuleNames.fromDotted(m.textValue()) : Path.of(m.textValue());
      } catch (IllegalArgumentException e) {
        throw bad(file, "\"" + field + "\" holds '" + m.textValue() + "', not a module name");
      }
      if (!nodes.contains(p) || PeftAdapters.insideWrapper(p, wrappers)) {
        throw bad(file, "\"" + field + "\" names '" + m.textValue() + "', which is not a module"
            + " of the tree outside its adapters");
      }
      out.add(p);
    }
    return out;
  }

  private static String describe(Map<Path, LoraWrapper> wrappers) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<Path, LoraWrapper> e : wrappers.entrySet()) {
      parts.add(e.getValue().getClass().getSimpleName() + " at '" + e.getKey() + "'");
    }
    return parts.size() <= 6 ? String.join(", ", parts)
        : String.join(", ", parts.subList(0, 6)) + ", and " + (parts.size() - 6) + " more";
  }

  private static CheckpointException bad(java.nio.file.Path file, String problem) {
    return new CheckpointException(file, null, problem);
  }
}
