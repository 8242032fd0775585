package dev.graft.dsl.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.lora.AdapterCatalog;
import dev.graft.dsl.lora.AdapterFactory;
import dev.graft.dsl.lora.AdapterKind;
import dev.graft.dsl.lora.IA3Adapter;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.lora.LoraWrapper;
import dev.graft.dsl.lora.PeftLoKrConv;
import dev.graft.dsl.lora.PeftLoKrLinear;
import dev.graft.dsl.lora.PeftOFTLinear;
import dev.graft.dsl.lora.VeRAAdapter;
import dev.graft.dsl.nn.ConvLayer;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Shapes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The {@code lora(...)} specs that adapt a plain model the way a PEFT {@code adapter_config.json}
 * describes: which layers ({@code target_modules} with PEFT's rule: a list entry names a module
 * whose dotted name equals it or ends with {@code "." + entry}; a string is a regular expression
 * the whole name must match; {@code exclude_modules} likewise), which zoo kind ({@code peft_type}
 * and its flags), and each layer's rank and alpha ({@code r} / {@code rank_pattern}, {@code
 * lora_alpha} or {@code alpha} / {@code alpha_pattern}). Layers with equal rank and alpha share
 * one spec, so VeRA's projections are shared as in PEFT.
 */
final class PeftSpecs {
  private PeftSpecs() {}

  /** The specs for {@code config} (read from {@code file}) over the plain model {@code tree}. */
  static List<LoraSpec> of(java.nio.file.Path file, JsonNode config, Layer tree) {
    JsonNode typeNode = config.get("peft_type");
    String type = typeNode != null && typeNode.isTextual() ? typeNode.textValue() : null;
    if (type == null) {
      throw bad(file, "has no \"peft_type\" string");
    }
    if (type.equals(AdapterKinds.GRAFT) || type.equals(AdapterKinds.LEGACY_GRAFT)) {
      throw bad(file, "is a Graft-only adapter (" + text(config, "graft_only_reason") + "); adapt"
          + " the net with the lora(...) call that made it and use loadAdapter");
    }
    for (String unsupported : List.of("layers_to_transform", "layers_pattern")) {
      JsonNode n = config.get(unsupported);
      if (n != null && !n.isNull()) {
        throw bad(file, "\"" + unsupported + "\" is " + n + "; Graft's PEFT loader does not"
            + " select layers by index (adapt the net with lora(...) and use loadAdapter)");
      }
    }
    if (tree instanceof LoraWrapper || !Tree.nodes(tree, LoraWrapper.class).isEmpty()) {
      throw new IllegalStateException("loadOnto: the net already holds adapters; start from the"
          + " plain model, or use loadAdapter on a net adapted like the file");
    }
    List<Path> layers = targets(file, config, tree);
    if (layers.isEmpty()) {
      throw bad(file, "\"target_modules\" " + config.get("target_modules") + " names no Linear or"
          + " Conv layer of the model");
    }
    Map<Path, AdapterFactory> factories = new LinkedHashMap<>();
    Map<Object, AdapterFactory> made = new LinkedHashMap<>(); // one factory per option set
    for (Path p : layers) {
      factories.put(p, factory(file, config, type, (Layer) Tree.get(tree, p), p, made));
    }
    PeftPatterns rankPattern = PeftPatterns.read(file, config, "rank_pattern");
    PeftPatterns alphaPattern = PeftPatterns.read(file, config, "alpha_pattern");
    String alphaField = type.equals(AdapterKinds.LOKR) ? "alpha" : "lora_alpha";
    // Group by (factory, rank, alpha): one spec each.
    Map<List<Object>, List<Path>> groups = new LinkedHashMap<>();
    Map<List<Object>, LoraSpec.Builder> builders = new LinkedHashMap<>();
    for (Path p : layers) {
      String name = ModuleNames.dotted(p);
      int rank = rank(file, config, type, rankPattern, name, (Layer) Tree.get(tree, p));
      double alpha = number(file, alphaPattern.lookup(name), config.get(alphaField), alphaField,
          8.0);
      AdapterFactory f = factories.get(p);
      List<Object> key = List.of(f, rank, alpha);
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
      builders.computeIfAbsent(key, k -> LoraSpec.builder().rank(rank).alpha(alpha)
          .wrappers(List.of(f)).dropout(dropout(config)));
    }
    List<LoraSpec> out = new ArrayList<>();
    for (Map.Entry<List<Object>, List<Path>> g : groups.entrySet()) {
      List<String> quoted = new ArrayList<>();
      for (Path p : g.getValue()) {
        quoted.add(java.util.regex.Pattern.quote(p.toString()));
      }
      out.add(builders.get(g.getKey()).target("^(?:" + String.join("|", quoted) + ")$").build());
    }
    return out;
  }

  /** The Linear and Conv layers PEFT would adapt, in tree order. */
  private static List<Path> targets(java.nio.file.Path file, JsonNode config, Layer tree) {
    Matcher include = matcher(file, config, "target_modules");
    Matcher exclude = matcher(file, config, "exclude_modules");
    if (include == null) {
      throw bad(file, "has no \"target_modules\"");
    }
    Set<Path> out = new LinkedHashSet<>();
    for (Path p : Tree.nodes(tree)) {
      if (p.isRoot()) {
        continue;
      }
      String name = ModuleNames.dotted(p);
      if (!include.matches(name) || (exclude != null && exclude.matches(name))) {
        continue;
      }
      Object node = Tree.get(tree, p);
      if (!(node instanceof Linear) && !(node instanceof ConvLayer)) {
        // PEFT refuses a matched module it cannot adapt too ("Target module ... is not supported").
        throw bad(file, "\"target_modules\" selects '" + name + "', a "
            + node.getClass().getSimpleName() + ", which Graft's PEFT loader does not adapt"
            + " (Linear and Conv layers only)");
      }
      out.add(p);
    }
    return new ArrayList<>(out);
  }

  /** PEFT's {@code check_target_module_exists} rule for one config field. */
  private interface Matcher {
    boolean matches(String name);
  }

  private static @Nullable Matcher matcher(java.nio.file.Path file, JsonNode config,
      String field) {
    JsonNode n = config.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isTextual()) {
      if (n.textValue().equals("all-linear")) {
        throw bad(file, "\"" + field + "\" is 'all-linear', which depends on the model's output"
            + " layer; list the module names instead");
      }
      try {
        Pattern re = Pattern.compile(n.textValue());
        return re::matches;
      } catch (PatternSyntaxException e) {
        throw bad(file, "\"" + field + "\" is not a regular expression Graft reads: "
            + e.getDescription());
      }
    }
    if (!n.isArray()) {
      throw bad(file, "\"" + field + "\" is " + n.getNodeType() + ", not a list or a string");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode e : n) {
      if (!e.isTextual()) {
        throw bad(file, "\"" + field + "\" holds " + e + ", not a module name");
      }
      names.add(e.textValue());
    }
    return name -> {
      for (String t : names) {
        if (name.equals(t) || name.endsWith("." + t)) {
          return true;
        }
      }
      return false;
    };
  }

  private static AdapterFactory factory(java.nio.file.Path file, JsonNode config, String type,
      Layer layer, Path path, Map<Object, AdapterFactory> made) {
    boolean conv = layer instanceof ConvLayer;
    switch (type) {
      case AdapterKinds.LORA -> {
        boolean dora = bool(file, config, "use_dora");
        boolean rs = bool(file, config, "use_rslora");
        JsonNode init = config.get("init_lora_weights");
        boolean pissa = init != null && init.isTextual() && init.textValue().equals("pissa");
        if (init != null && init.isTextual() && !pissa) {
          throw bad(file, "\"init_lora_weights\" is " + init + "; Graft rebuilds PiSSA's"
              + " ('pissa') residual only");
        }
        if (dora && (rs || pissa)) {
          throw bad(file, "combines use_dora with use_rslora or PiSSA, which no zoo kind does");
        }
        if (rs && pissa) {
          throw bad(file, "combines use_rslora with PiSSA, which no zoo kind does");
        }
        String variant = dora ? "dora" : rs ? "rslora" : pissa ? "pissa" : "lora";
        return AdapterCatalog.forPeft(AdapterKinds.LORA, variant).map(AdapterKind::factory)
            .orElseThrow(() -> bad(file, "names the LoRA variant '" + variant + "', which no"
                + " zoo kind declares"));
      }
      case AdapterKinds.IA3 -> {
        Matcher ff = matcher(file, config, "feedforward_modules");
        if (ff != null && ff.matches(ModuleNames.dotted(path))) {
          throw bad(file, "\"feedforward_modules\" selects '" + ModuleNames.dotted(path)
              + "': PEFT scales that layer's input, and the zoo's IA3 scales outputs only");
        }
        return IA3Adapter.FACTORY;
      }
      case AdapterKinds.VERA -> {
        if (conv) {
          throw bad(file, "targets the Conv layer '" + path + "' with VeRA; PEFT's and Graft's"
              + " VeRA read Linear layers only");
        }
        return VeRAAdapter.FACTORY;
      }
      case AdapterKinds.LOKR -> {
        if (conv && bool(file, config, "use_effective_conv2d")
            && Shapes.size(((ConvLayer) layer).kernelSize()) > 1) {
          throw bad(file, "\"use_effective_conv2d\" is true for the Conv layer '" + path
              + "': Graft reads PEFT's LoKr on convolutions without the CP-decomposed kernel"
              + " (lokr_t2) only");
        }
        boolean both = bool(file, config, "decompose_both");
        JsonNode f = config.get("decompose_factor");
        int factor = f == null || f.isNull() ? -1 : f.isInt() ? f.intValue() : 0;
        if (factor == 0 || factor < -1) {
          throw bad(file, "\"decompose_factor\" is " + f + ", not -1 or a positive integer");
        }
        return made.computeIfAbsent(List.of("lokr", conv, both, factor),
            k -> conv ? PeftLoKrConv.factory(both, factor) : PeftLoKrLinear.factory(both, factor));
      }
      case AdapterKinds.OFT -> {
        if (conv) {
          throw bad(file, "targets the Conv layer '" + path + "' with OFT; Graft reads PEFT's OFT"
              + " on Linear layers only");
        }
        PeftOFTLinear.Options d = PeftOFTLinear.Options.DEFAULTS;
        JsonNode t = config.get("num_cayley_neumann_terms");
        JsonNode e = config.get("eps");
        PeftOFTLinear.Options o;
        try {
          o = new PeftOFTLinear.Options(
              boolOr(file, config, "block_share", d.blockShare()),
              boolOr(file, config, "use_cayley_neumann", d.cayleyNeumann()),
              t == null || t.isNull() ? d.neumannTerms() : t.isInt() ? t.intValue() : 0,
              boolOr(file, config, "coft", d.coft()),
              e == null || e.isNull() ? d.eps() : e.isNumber() ? e.doubleValue() : -1);
        } catch (IllegalArgumentException ex) {
          throw bad(file, ex.getMessage());
        }
        return made.computeIfAbsent(o, k -> PeftOFTLinear.factory((PeftOFTLinear.Options) k));
      }
      default -> throw bad(file, "\"peft_type\" is '" + SafetensorsException.shown(type) + "', which Graft does not read;"
          + " known: LORA, IA3, VERA, LOKR, OFT");
    }
  }

  private static int rank(java.nio.file.Path file, JsonNode config, String type,
      PeftPatterns rankPattern, String name, Layer layer) {
    if (type.equals(AdapterKinds.IA3)) {
      return 1; // IA3 has no rank
    }
    if (type.equals(AdapterKinds.OFT)) {
      JsonNode b = config.get("oft_block_size");
      JsonNode r = config.get("r");
      int in = ((Linear) layer).inFeatures();
      int block = b != null && b.isInt() ? b.intValue() : 0;
      int count = r != null && r.isInt() ? r.intValue() : 0;
      if (block > 0 && count == 0) {
        return block;
      }
      if (block == 0 && count > 0 && in % count == 0) {
        return in / count;
      }
      throw bad(file, "OFT's \"r\" " + r + " and \"oft_block_size\" " + b + " do not give a block"
          + " size dividing " + in + " for '" + name + "' (exactly one of them is non-zero)");
    }
    JsonNode r = rankPattern.lookup(name);
    if (r == null) {
      r = config.get("r");
    }
    if (r == null || !r.isInt() || r.intValue() < 1) {
      throw bad(file, "gives '" + name + "' the rank " + r + ", not a positive integer");
    }
    return r.intValue();
  }

  private static double number(java.nio.file.Path file, @Nullable JsonNode fromPattern,
      @Nullable JsonNode field, String name, double absent) {
    JsonNode n = fromPattern != null ? fromPattern : field;
    if (n == null || n.isNull()) {
      return absent;
    }
    if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
      throw bad(file, "\"" + name + "\" is " + n + ", not a finite number");
    }
    return n.doubleValue();
  }

  private static double dropout(JsonNode config) {
    for (String f : List.of("lora_dropout", "vera_dropout")) {
      JsonNode n = config.get(f);
      if (n != null && n.isNumber() && n.doubleValue() >= 0 && n.doubleValue() < 1) {
        return n.doubleValue();
      }
    }
    return 0.0;
  }


  private static boolean bool(java.nio.file.Path file, JsonNode config, String field) {
    return boolOr(file, config, field, false);
  }

  private static boolean boolOr(java.nio.file.Path file, JsonNode config, String field,
      boolean absent) {
    JsonNode n = config.get(field);
    if (n == null || n.isNull()) {
      return absent;
    }
    if (!n.isBoolean()) {
      throw bad(file, "\"" + field + "\" is " + n + ", not true or false");
    }
    return n.booleanValue();
  }

  private static String text(JsonNode config, String field) {
    JsonNode n = config.get(field);
    return n != null && n.isTextual() ? n.textValue() : "no reason recorded";
  }

  private static CheckpointException bad(java.nio.file.Path file, String problem) {
    return new CheckpointException(file, null, problem);
  }
}
