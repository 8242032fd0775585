package dev.graft.dsl.lora;

import dev.graft.dsl.tree.Path;
import dev.graft.dsl.tree.PathPatterns;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.immutables.value.Value;

/**
 * One rule of a {@code Net.lora(LoraSpec...)} call: which layers (a regex {@link #target()} and
 * module names {@link #targetModules()}, by the rule of {@link PathPatterns}; every selected
 * layer when both are absent), which adapters
 * may wrap them (the first {@link #wrappers()} entry that applies wins), and the rank, alpha,
 * dropout and seed to build them with. Build one with {@code LoraSpec.builder()...build()}.
 */
@Value.Immutable
@ValueStyle
public abstract class LoraSpec {
  /**
   * The adapters wrapped when a spec names none: LoRA on Linear, on Conv1d/2d/3d and on
   * GroupedLinear (mixture-of-experts layers, as d9d wraps them).
   */
  public static final List<AdapterFactory> DEFAULT_WRAPPERS = List.of(LoRAAdapter.FACTORY);

  /** A new builder; rank defaults to 8 and alpha to 16 as in ZOO.md. */
  public static Builder builder() {
    return new Builder();
  }

  /** A spec for every selected layer with the default wrappers. */
  public static LoraSpec of(int rank, double alpha) {
    return builder().rank(rank).alpha(alpha).build();
  }

  /**
   * A spec for the layers whose path ends with one of the module {@code names} (PEFT's {@code
   * target_modules} list), with the default wrappers: {@code LoraSpec.modules(8, 16.0, "query",
   * "value")}.
   */
  public static LoraSpec modules(int rank, double alpha, String... names) {
    return builder().rank(rank).alpha(alpha).addTargetModules(names).build();
  }

  /** Whether this spec's target and module names pick the layer at {@code layerPath}. */
  public boolean picks(Path layerPath) {
    return (targetPattern().isEmpty() || PathPatterns.matches(targetPattern().get(), layerPath))
        && (targetModules().isEmpty() || PathPatterns.endsWithAny(layerPath, targetModules()));
  }

  /** A spec for the layers whose path {@code target} matches (see {@link #target()}). */
  public static LoraSpec of(int rank, double alpha, String target) {
    return builder().rank(rank).alpha(alpha).target(target).build();
  }

  /** The adapter rank {@code r} (OFT: the block size). Default 8. */
  @Value.Default
  public int rank() {
    return 8;
  }

  /** The scaling numerator {@code α}. Default 16. */
  @Value.Default
  public double alpha() {
    return 16.0;
  }

  /**
   * A regex a layer's path, or one of its ancestors' paths, must match as a whole, slash-joined
   * or dotted ({@code "encoder"}, {@code "encoder/layers/[01]"}, {@code ".*attention\\.query"});
   * the rule of {@link PathPatterns}, the same as {@code Mask.regex}. Absent means every layer.
   */
  public abstract Optional<String> target();

  /**
   * Module names a layer's path must end with, one of them, segment by segment (PEFT's {@code
   * target_modules=["query", "value"]}; see {@link PathPatterns}); empty means no such condition.
   * With {@link #target()} too, a layer must satisfy both.
   */
  public abstract List<String> targetModules();

  /** The adapter factories tried in order for each layer; the first that applies wins. */
  @Value.Default
  public List<AdapterFactory> wrappers() {
    return DEFAULT_WRAPPERS;
  }

  /** Dropout on the adapters' input path while training. Default 0. */
  @Value.Default
  public double dropout() {
    return 0.0;
  }

  /** Seed of the adapters' random initialization. Default 0. */
  @Value.Default
  public long seed() {
    return 0L;
  }

  /** The compiled target, if any. */
  @Value.Lazy
  public Optional<Pattern> targetPattern() {
    return target().map(Pattern::compile);
  }

  @Value.Check
  void check() {
    if (rank() < 1) {
      throw new IllegalArgumentException("LoraSpec: rank must be >= 1, got " + rank());
    }
    if (wrappers().isEmpty()) {
      throw new IllegalArgumentException("LoraSpec: wrappers must not be empty");
    }
    if (!(dropout() >= 0 && dropout() < 1)) {
      throw new IllegalArgumentException("LoraSpec: dropout must be in [0, 1), got " + dropout());
    }
    for (String name : targetModules()) {
      try {
        PathPatterns.checkName(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("LoraSpec: targetModules: " + e.getMessage(), e);
      }
    }
    try {
      target().ifPresent(Pattern::compile);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("LoraSpec: target is not a valid regex: " + e.getMessage(),
          e);
    }
  }

  /** Builds {@link LoraSpec} values. */
  public static final class Builder extends ImmutableLoraSpec.Builder {}
}
