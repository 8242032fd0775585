package dev.graft.dsl;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.dsl.io.CheckpointException;
import dev.graft.dsl.io.ModuleNames;
import dev.graft.dsl.lora.AdapterConfig;
import dev.graft.dsl.lora.AdapterFactory;
import dev.graft.dsl.lora.DoRAConv;
import dev.graft.dsl.lora.DoRALinear;
import dev.graft.dsl.lora.LoRAConv;
import dev.graft.dsl.lora.LoRALinear;
import dev.graft.dsl.lora.MiLoRAConv;
import dev.graft.dsl.lora.MiLoRALinear;
import dev.graft.dsl.lora.PiSSAConv;
import dev.graft.dsl.lora.PiSSALinear;
import dev.graft.dsl.lora.RsLoRAConv;
import dev.graft.dsl.lora.RsLoRALinear;
import dev.graft.dsl.nn.ConvLayer;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The layers a LoRA {@code adapter_config.json} written by PEFT itself (no {@code "graft"}
 * object) adapts, and how: PEFT's {@code target_modules} rule (a list matches a module whose
 * dotted name equals an entry or ends in {@code "." + entry}; a string must match the whole name
 * as a regex), {@code r} / {@code rank_pattern}, {@code lora_alpha} / {@code alpha_pattern},
 * {@code use_rslora}, {@code use_dora} and {@code init_lora_weights} ({@code pissa…} / {@code
 * milora…}) choosing the zoo class. Linear and Conv layers only; other methods, and {@code
 * layers_to_transform}, {@code layers_pattern}, {@code exclude_modules} and {@code all-linear},
 * are refused naming the field.
 */
final class PeftLoraLayers {
  /** One layer to build: its factory and configuration. */
  record Layer(AdapterFactory factory, AdapterConfig config) {}

  private PeftLoraLayers() {}

  static Map<Path, Layer> read(java.nio.file.Path file, JsonNode config, Module base) {
    String type = config.path("peft_type").asText("");
    if (!type.equals("LORA")) {
      throw bad(file, "has peft_type '" + type + "' and no \"graft\" object: fromPretrained"
          + " builds PEFT-written LORA directories, and any kind from directories Graft's"
          + " saveAdapter wrote; for this one, call lora(...) as it was trained, then loadAdapter");
    }
    for (String field : List.of("layers_to_transform", "layers_pattern", "exclude_modules")) {
      JsonNode n = config.get(field);
      if (n != null && !n.isNull() && !(n.isArray() && n.isEmpty())) {
        throw bad(file, "sets \"" + field + "\" (" + n + "), which fromPretrained does not"
            + " read; build the net with lora(...) and loadAdapter instead");
      }
    }
    JsonNode targets = config.get("target_modules");
    if (targets == null || targets.isNull() || (targets.isTextual()
        && targets.textValue().equals("all-linear"))) {
      throw bad(file, "\"target_modules\" is " + targets + "; fromPretrained needs the module"
          + " names or a regex");
    }
    Pattern regex = null;
    List<String> names = new ArrayList<>();
    if (targets.isTextual()) {
      regex = compile(file, "target_modules", targets.textValue());
    } else if (targets.isArray()) {
      for (JsonNode t : targets) {
        names.add(t.asText());
      }
    } else {
      throw bad(file, "\"target_modules\" is neither a list nor a string: " + targets);
    }
    boolean dora = config.path("use_dora").asBoolean(false);
    boolean rs = config.path("use_rslora").asBoolean(false);
    String init = config.path("init_lora_weights").asText("true");
    JsonNode r = config.get("r");
    if (r == null || !r.isInt() || r.intValue() < 1) {
      throw bad(file, "\"r\" is " + r + ", not a positive integer");
    }
    JsonNode alpha = config.get("lora_alpha");
    if (alpha == null || !alpha.isNumber()) {
      throw bad(file, "\"lora_alpha\" is " + alpha + ", not a number");
    }
    Map<Pattern, JsonNode> rankPattern = patterns(file, config, "rank_pattern");
    Map<Pattern, JsonNode> alphaPattern = patterns(file, config, "alpha_pattern");
    double dropout = config.path("lora_dropout").asDouble(0.0);

    Map<Path, Layer> out = new LinkedHashMap<>();
    for (Path p : Tree.nodes(base)) {
      if (p.isRoot() || !(Tree.get(base, p) instanceof Module layer)) {
        continue;
      }
      String name = ModuleNames.dotted(p);
      boolean hit = regex != null ? regex.matcher(name).matches()
          : names.stream().anyMatch(t -> name.equals(t) || name.endsWith("." + t));
      if (!hit) {
        continue;
      }
      boolean conv = layer instanceof ConvLayer;
      if (!conv && !(layer instanceof Linear)) {
        throw bad(file, "targets '" + name + "', a " + layer.getClass().getSimpleName()
            + "; fromPretrained adapts Linear and Conv layers");
      }
      AdapterFactory f = dora ? (conv ? DoRAConv.FACTORY : DoRALinear.FACTORY)
          : rs ? (conv ? RsLoRAConv.FACTORY : RsLoRALinear.FACTORY)
          : init.startsWith("pissa") ? (conv ? PiSSAConv.FACTORY : PiSSALinear.FACTORY)
          : init.startsWith("milora") ? (conv ? MiLoRAConv.FACTORY : MiLoRALinear.FACTORY)
          : conv ? LoRAConv.FACTORY : LoRALinear.FACTORY;
      JsonNode rank = lookup(rankPattern, name, r);
      JsonNode a = lookup(alphaPattern, name, alpha);
      if (!rank.isInt() || rank.intValue() < 1 || !a.isNumber()) {
        throw bad(file, "gives '" + name + "' rank " + rank + " and alpha " + a);
      }
      out.put(p, new Layer(f, new AdapterConfig(rank.intValue(), a.doubleValue(), dropout,
          Key.of(0))));
    }
    if (out.isEmpty()) {
      throw bad(file, "\"target_modules\" " + targets + " matches no module of the base");
    }
    return out;
  }

  /** PEFT's pattern dictionaries: a key matches a module name ending in it, as a regex. */
  private static Map<Pattern, JsonNode> patterns(java.nio.file.Path file, JsonNode config,
      String field) {
    Map<Pattern, JsonNode> out = new LinkedHashMap<>();
    JsonNode n = config.get(field);
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isObject()) {
      throw bad(file, "\"" + field + "\" is not an object but " + n.getNodeType());
    }
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      out.put(compile(file, field, "(.*\\.)?(" + e.getKey() + ")"), e.getValue());
    }
    return out;
  }

  private static JsonNode lookup(Map<Pattern, JsonNode> patterns, String name, JsonNode fallback) {
    for (Map.Entry<Pattern, JsonNode> e : patterns.entrySet()) {
      if (e.getKey().matcher(name).matches()) {
        return e.getValue();
      }
    }
    return fallback;
  }

  private static Pattern compile(java.nio.file.Path file, String field, String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException | StackOverflowError e) {
      throw bad(file, "\"" + field + "\" holds '" + regex + "', not a valid pattern");
    }
  }

  private static CheckpointException bad(java.nio.file.Path file, String problem) {
    return new CheckpointException(file, null, problem);
  }
}
