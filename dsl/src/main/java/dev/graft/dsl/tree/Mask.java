package dev.graft.dsl.tree;

import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.regex.Pattern;

/**
 * A choice of leaves — from a regex over the path or a list of module names (both by the rule of
 * {@link PathPatterns}), a predicate over (path, leaf), or explicit
 * paths — combined with {@link #and}, {@link #or} and {@link #not}. A mask is a lazy predicate:
 * nothing is checked against a tree until {@link #resolve} applies it, which then returns the
 * chosen leaf paths in tree order.
 *
 * <p>An explicit path may name a leaf or a node; a node stands for all leaves under it. Explicit
 * paths must exist: resolving a mask (however combined) that names a path absent from the tree is
 * an error naming every missing path.
 */
public final class Mask {
  private static final Mask ALL = new Mask((p, t) -> true, Set.of(), "all");
  private static final Mask NONE = new Mask((p, t) -> false, Set.of(), "none");

  private final BiPredicate<Path, Tensor> predicate;
  private final Set<Path> named;
  private final String description;

  private Mask(BiPredicate<Path, Tensor> predicate, Set<Path> named, String description) {
    this.predicate = predicate;
    this.named = named;
    this.description = description;
  }

  /** Every leaf. */
  public static Mask all() {
    return ALL;
  }

  /** No leaf. */
  public static Mask none() {
    return NONE;
  }

  /**
   * Leaves whose path, or the path of one of their ancestors, {@code regex} matches as a whole,
   * slash-joined ({@code encoder/layers/0}) or dotted ({@code encoder.layers.0}): the rule of
   * {@link PathPatterns}. {@code regex("encoder")} picks every leaf under {@code encoder}, {@code
   * regex(".*attention\\.query")} every leaf of every {@code attention/query} module.
   */
  public static Mask regex(String regex) {
    Pattern pattern = Pattern.compile(regex);
    return new Mask((p, t) -> PathPatterns.matches(pattern, p), Set.of(),
        "regex(" + regex + ")");
  }

  /**
   * Leaves of the modules whose path ends with one of {@code names}, segment by segment (PEFT's
   * {@code target_modules} list rule, see {@link PathPatterns}): {@code modules("query",
   * "value")} picks the leaves of every {@code .../query} and {@code .../value} module.
   */
  public static Mask modules(String... names) {
    if (names.length == 0) {
      throw new IllegalArgumentException("Mask.modules: give at least one module name");
    }
    List<String> list = List.of(names);
    for (String n : list) {
      PathPatterns.checkName(n);
    }
    return new Mask((p, t) -> PathPatterns.endsWithAny(p, list), Set.of(),
        "modules" + list);
  }

  /** Leaves for which {@code predicate} of (path, leaf) holds. */
  public static Mask where(BiPredicate<Path, Tensor> predicate) {
    return new Mask(predicate, Set.of(), "where(predicate)");
  }

  /** The given leaves, or all leaves under the given nodes; each path must exist. */
  public static Mask of(Path... paths) {
    return of(Arrays.asList(paths));
  }

  /** The given leaves or nodes, as slash-joined paths; each must exist. */
  public static Mask of(String... paths) {
    List<Path> ps = new ArrayList<>();
    for (String p : paths) {
      ps.add(Path.of(p));
    }
    return of(ps);
  }

  /** The given leaves, or all leaves under the given nodes; each path must exist. */
  public static Mask of(Collection<Path> paths) {
    Set<Path> set = Collections.unmodifiableSet(new LinkedHashSet<>(paths));
    return new Mask((p, t) -> {
      for (int i = 0; i <= p.depth(); i++) {
        if (set.contains(p.prefix(i))) {
          return true;
        }
      }
      return false;
    }, set, "of" + set);
  }

  /** Leaves chosen by both masks. */
  public Mask and(Mask other) {
    BiPredicate<Path, Tensor> a = predicate;
    BiPredicate<Path, Tensor> b = other.predicate;
    return new Mask((p, t) -> a.test(p, t) && b.test(p, t), union(named, other.named),
        "(" + this + " & " + other + ")");
  }

  /** Leaves chosen by either mask. */
  public Mask or(Mask other) {
    BiPredicate<Path, Tensor> a = predicate;
    BiPredicate<Path, Tensor> b = other.predicate;
    return new Mask((p, t) -> a.test(p, t) || b.test(p, t), union(named, other.named),
        "(" + this + " | " + other + ")");
  }

  /** Leaves this mask does not choose. */
  public Mask not() {
    BiPredicate<Path, Tensor> a = predicate;
    return new Mask((p, t) -> !a.test(p, t), named, "!" + this);
  }

  private static Set<Path> union(Set<Path> a, Set<Path> b) {
    if (b.isEmpty()) {
      return a;
    }
    if (a.isEmpty()) {
      return b;
    }
    Set<Path> s = new LinkedHashSet<>(a);
    s.addAll(b);
    return Collections.unmodifiableSet(s);
  }

  /**
   * Whether this mask chooses the leaf {@code leaf} at {@code path}. Does not check that explicit
   * paths exist; {@link #resolve} does.
   */
  public boolean test(Path path, Tensor leaf) {
    return predicate.test(path, leaf);
  }

  /**
   * The chosen leaf paths of {@code tree}, in tree order (an unmodifiable set). Explicit paths
   * absent from the tree are an error naming them all.
   */
  public Set<Path> resolve(Layer tree) {
    Set<Path> nodes = new LinkedHashSet<>();
    Set<Path> chosen = new LinkedHashSet<>();
    List<Path> leaves = new ArrayList<>();
    Nodes.walk(tree, Path.root(), (p, n) -> {
      if (!named.isEmpty()) {
        nodes.add(p);
      }
      if (n instanceof Tensor t) {
        leaves.add(p);
        if (predicate.test(p, t)) {
          chosen.add(p);
        }
      }
    });
    List<Path> missing = new ArrayList<>();
    for (Path p : named) {
      if (!nodes.contains(p)) {
        missing.add(p);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("Mask.resolve: " + this + " names "
          + (missing.size() == 1 ? "a path" : missing.size() + " paths") + " absent from the "
          + Slot.name(tree.getClass()) + ": " + missing + "; its leaf paths are "
          + (leaves.size() <= 12 ? leaves.toString()
              : leaves.subList(0, 10) + " and " + (leaves.size() - 10) + " more"));
    }
    return Collections.unmodifiableSet(chosen);
  }

  /** How the mask was built, e.g. {@code (regex(encoder/.*) & !of[encoder/norm])}. */
  @Override
  public String toString() {
    return description;
  }
}
