package dev.graft.samples;

import dev.graft.dsl.Net;
import dev.graft.dsl.lora.AdapterCatalog;
import dev.graft.dsl.lora.AdapterFactory;
import dev.graft.dsl.lora.AdapterKind;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.tree.Mask;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One row of the shoot-out: how the pretrained network is made trainable for the new task. Full
 * fine-tuning trains every leaf; head-only trains the new head alone (a linear probe); every other
 * contender freezes the backbone, wraps its Linear and Conv layers with one zoo adapter and trains
 * the adapters and the head.
 *
 * @param name the name printed in the table and on the plot
 * @param id the name {@code --adapters} accepts (lower case)
 * @param wrappers the adapter factories; empty for full fine-tuning and head-only
 * @param full whether every leaf trains (full fine-tuning)
 */
public record Contender(String name, String id, List<AdapterFactory> wrappers, boolean full) {
  /** Every leaf trains: the reference. */
  public static final Contender FULL = new Contender("full FT", "full", List.of(), true);
  /** Only the new head trains: what the frozen features give on their own. */
  public static final Contender HEAD = new Contender("head only", "head", List.of(), false);

  /**
   * Every contender, in table order: full fine-tuning, head-only, then every kind of the zoo's
   * {@link AdapterCatalog}, in its order.
   */
  public static final List<Contender> ALL = all();

  private static List<Contender> all() {
    List<Contender> out = new ArrayList<>(List.of(FULL, HEAD));
    for (AdapterKind k : AdapterCatalog.KINDS) {
      out.add(new Contender(k.name(), k.slug(), List.of(k.factory()), false));
    }
    return List.copyOf(out);
  }

  /** Copies the factory list. */
  public Contender {
    wrappers = List.copyOf(wrappers);
  }

  private static Contender adapter(String name, String id, AdapterFactory linear,
      AdapterFactory conv) {
    return new Contender(name, id, List.of(linear, conv), false);
  }

  /** Whether this contender grafts adapters (neither full fine-tuning nor head-only). */
  public boolean adapts() {
    return !wrappers.isEmpty();
  }

  /**
   * {@code base} made trainable the way this contender says. For an adapter: every leaf frozen,
   * every layer but {@code head} wrapped (the mask keeps the head out), then the head unfrozen.
   */
  public Net prepare(Net base, int rank, double alpha, long seed) {
    if (full) {
      return base.unfreeze();
    }
    Mask head = Mask.of("head");
    if (!adapts()) {
      return base.freeze().unfreeze(head);
    }
    LoraSpec spec = LoraSpec.builder().rank(rank).alpha(alpha).seed(seed).wrappers(wrappers)
        .build();
    return base.freeze().mask(head.not()).lora(spec).unfreeze(head);
  }

  /**
   * The contenders named in {@code list}, a comma-separated list of ids or names (case and dashes
   * ignored, e.g. {@code lora,DoRA,loraxs}); {@code all} means every one.
   */
  public static List<Contender> parseList(String list) {
    List<Contender> out = new ArrayList<>();
    for (String raw : list.split(",")) {
      String want = normalize(raw);
      if (want.isEmpty()) {
        continue;
      }
      if (want.equals("all")) {
        for (Contender c : ALL) {
          if (!out.contains(c)) {
            out.add(c);
          }
        }
        continue;
      }
      Contender found = null;
      for (Contender c : ALL) {
        if (normalize(c.id).equals(want) || normalize(c.name).equals(want)) {
          found = c;
        }
      }
      if (found == null) {
        throw new IllegalArgumentException("unknown adapter '" + raw.trim() + "'; choose from "
            + ids() + " or all");
      }
      if (!out.contains(found)) {
        out.add(found);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--adapters names no adapter; choose from " + ids()
          + " or all");
    }
    return List.copyOf(out);
  }

  /** The ids {@code --adapters} accepts, comma-joined. */
  public static String ids() {
    List<String> ids = new ArrayList<>();
    for (Contender c : ALL) {
      ids.add(c.id);
    }
    return String.join(",", ids);
  }

  private static String normalize(String s) {
    return s.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace(" ", "");
  }
}
