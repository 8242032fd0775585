package dev.graft.dsl.tree;

import dev.graft.runtime.Tensor;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Operations on model trees: a {@link Layer} root whose record components are its children
 * (see {@link Records}), with {@link Tensor} leaves. Order is always the same: component order,
 * list order, map keys sorted. Nothing is mutated: every update returns a new tree that shares
 * every node and leaf it did not have to rebuild, and returns the very same tree when nothing
 * changed.
 *
 * <p>Every replacement is checked against the declared type of its position before anything is
 * built, so a misfit is an {@link IllegalArgumentException} naming the path, the declared type and
 * the value — never a {@code ClassCastException} later. Errors name paths throughout.
 */
public final class Tree {
  private Tree() {}

  // ------------------------------------------------------------------ reading

  /** The leaves, in tree order. */
  public static List<Tensor> leaves(Layer tree) {
    List<Tensor> out = new ArrayList<>();
    Nodes.walk(tree, Path.root(), (p, n) -> {
      if (n instanceof Tensor t) {
        out.add(t);
      }
    });
    return Collections.unmodifiableList(out);
  }

  /** The paths of the leaves, in tree order (aligned with {@link #leaves}). */
  public static List<Path> paths(Layer tree) {
    List<Path> out = new ArrayList<>();
    Nodes.walk(tree, Path.root(), (p, n) -> {
      if (n instanceof Tensor) {
        out.add(p);
      }
    });
    return Collections.unmodifiableList(out);
  }

  /** The leaves by path, in tree order. */
  public static Map<Path, Tensor> leavesByPath(Layer tree) {
    Map<Path, Tensor> out = new LinkedHashMap<>();
    Nodes.walk(tree, Path.root(), (p, n) -> {
      if (n instanceof Tensor t) {
        out.put(p, t);
      }
    });
    return Collections.unmodifiableMap(out);
  }

  /** The paths of every {@link Layer} node, the root ({@code ""}) first, in pre-order. */
  public static List<Path> nodes(Layer tree) {
    return nodes(tree, Layer.class);
  }

  /** The paths of every node that is an instance of {@code type}, in pre-order. */
  public static List<Path> nodes(Layer tree, Class<?> type) {
    List<Path> out = new ArrayList<>();
    Nodes.walk(tree, Path.root(), (p, n) -> {
      if (type.isInstance(n)) {
        out.add(p);
      }
    });
    return Collections.unmodifiableList(out);
  }

  /**
   * The node or leaf at {@code path}. A path that does not exist is an error naming it, the
   * nearest existing prefix and that prefix's children.
   */
  public static Object get(Layer tree, Path path) {
    return Nodes.get(tree, path, "Tree.get");
  }

  /** The leaf at {@code path}; an error if the path is missing or holds a node. */
  public static Tensor leaf(Layer tree, Path path) {
    Object n = Nodes.get(tree, path, "Tree.leaf");
    if (n instanceof Tensor t) {
      return t;
    }
    throw new IllegalArgumentException("Tree.leaf: '" + path + "' holds " + Slot.describe(n)
        + ", not a leaf; its leaves are " + leafPathsUnder(n, path));
  }

  /** Number of leaves. */
  public static int leafCount(Layer tree) {
    return leaves(tree).size();
  }

  /** Total number of scalar parameters over all leaves. */
  public static long parameterCount(Layer tree) {
    long n = 0;
    for (Tensor t : leaves(tree)) {
      n += t.size();
    }
    return n;
  }

  // ------------------------------------------------------------------ updating

  /**
   * The tree with the node or leaf at {@code path} replaced by {@code value}; every other node and
   * leaf is the same object as before. {@code value} must fit the declared type of the position.
   */
  public static <T extends Layer> T set(T tree, Path path, Object value) {
    return cast(Nodes.update(tree, path, old -> value, "Tree.set"));
  }

  /** The tree with the node or leaf at {@code path} replaced by {@code f} of it. */
  public static <T extends Layer> T update(T tree, Path path, UnaryOperator<Object> f) {
    return cast(Nodes.update(tree, path, f, "Tree.update"));
  }

  /** Every leaf replaced by {@code f} of it; with the identity, the same tree comes back. */
  public static <T extends Layer> T map(T tree, UnaryOperator<Tensor> f) {
    return cast(Nodes.transform(tree, Path.root(), (p, t) -> f.apply(t), null, "Tree.map"));
  }

  /** Every leaf replaced by {@code f} of its path and itself. */
  public static <T extends Layer> T mapWithPath(T tree, BiFunction<Path, Tensor, Tensor> f) {
    return cast(Nodes.transform(tree, Path.root(), f::apply, null, "Tree.mapWithPath"));
  }

  /**
   * The tree with the leaves at the given paths replaced (in one pass); each path must exist and
   * hold a leaf. With the tree's own leaves, the same tree comes back.
   */
  public static <T extends Layer> T combine(T tree, Map<Path, Tensor> leaves) {
    if (leaves.isEmpty()) {
      return tree;
    }
    Set<Path> only = new HashSet<>();
    for (Path p : leaves.keySet()) {
      if (!(Nodes.get(tree, p, "Tree.combine") instanceof Tensor)) {
        throw new IllegalArgumentException("Tree.combine: '" + p + "' holds "
            + Slot.describe(Nodes.get(tree, p, "Tree.combine")) + ", not a leaf");
      }
      only.addAll(p.prefixes());
    }
    return cast(Nodes.transform(tree, Path.root(), (p, t) -> {
      Tensor r = leaves.get(p);
      return r == null ? t : r;
    }, only, "Tree.combine"));
  }

  /** The tree a partition came from, with its selected leaves (exactly the original tree). */
  public static <T extends Layer> T combine(Partition<T> partition) {
    return partition.combine();
  }

  /**
   * Splits the leaves by {@code mask}: the selected ones by path, and the whole tree to put them
   * back into. See {@link Partition} for why this is not two trees with holes.
   */
  public static <T extends Layer> Partition<T> partition(T tree, Mask mask) {
    Set<Path> chosen = mask.resolve(tree);
    Map<Path, Tensor> selected = new LinkedHashMap<>();
    Nodes.walk(tree, Path.root(), (p, n) -> {
      if (n instanceof Tensor t && chosen.contains(p)) {
        selected.put(p, t);
      }
    });
    return new Partition<>(tree, selected);
  }

  /** The leaves and the structure to rebuild the tree from (possibly other) leaves. */
  public static <T extends Layer> Flat<T> flatten(T tree) {
    List<Path> paths = paths(tree);
    return new Flat<>(leaves(tree), new TreeDef<>(tree, paths));
  }

  /** The tree of {@code structure} with {@code leaves} in tree order; counts must agree. */
  public static <T extends Layer> T unflatten(TreeDef<T> structure, List<Tensor> leaves) {
    return structure.unflatten(leaves);
  }

  // ------------------------------------------------------------------ selectors

  /**
   * Equinox's {@code tree_at}: {@code selector} returns a node or leaf of {@code tree}
   * ({@code m -> m.layers().get(0).weight()}), which is found by identity and replaced. A selector
   * whose result is not in the tree, or sits at several positions (a shared node), is an error.
   */
  public static <T extends Layer> T at(T tree, Function<? super T, ?> selector,
      Object replacement) {
    Path p = locate(tree, selector.apply(tree), "Tree.at");
    return cast(Nodes.update(tree, p, old -> replacement, "Tree.at"));
  }

  /** The path at which {@code node} itself (by identity) sits in {@code tree}. */
  public static Path pathOf(Layer tree, Object node) {
    return locate(tree, node, "Tree.pathOf");
  }

  static Path locate(Object tree, @Nullable Object node, String op) {
    if (node == null) {
      throw new IllegalArgumentException(op + ": the selector returned null; it must return a node"
          + " or leaf of the tree, e.g. m -> m.layers().get(0).weight()");
    }
    List<Path> found = Nodes.find(tree, node);
    if (found.isEmpty()) {
      throw new IllegalArgumentException(op + ": " + Slot.describe(node)
          + (node instanceof Tensor ? "" : " (" + brief(node) + ")") + " is not a node of this " + Slot.name(tree.getClass()) + "; nodes are found by"
          + " identity, so return a node reached from the argument, not a copy or a computed"
          + " value");
    }
    if (found.size() > 1) {
      throw new IllegalArgumentException(op + ": " + Slot.describe(node)
          + " sits at several positions " + found + " (a shared node); use Tree.set with one"
          + " Path");
    }
    return found.get(0);
  }

  private static String brief(Object node) {
    String s = String.valueOf(node);
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  // ------------------------------------------------------------------ types

  /**
   * The declared type of the position at {@code path}: the record component's generic type, the
   * element type of a list or map, or {@code Object} for children of non-record modules; the
   * root's class for the root.
   */
  public static Type componentType(Layer tree, Path path) {
    if (path.isRoot()) {
      return tree.getClass();
    }
    return Nodes.slotAt(tree, path, "Tree.componentType").declared();
  }

  /**
   * Whether {@link #set}{@code (tree, path, value)} would accept {@code value}'s type (a path
   * that does not exist is an error, as for {@code set}).
   */
  public static boolean accepts(Layer tree, Path path, @Nullable Object value) {
    return Nodes.fits(tree, path, value, "Tree.accepts");
  }

  /**
   * Throws the same error {@link #set} would if {@code value} does not fit the position at
   * {@code path} (for adapter code to call before wrapping).
   */
  public static void checkAccepts(Layer tree, Path path, @Nullable Object value) {
    if (path.isRoot()) {
      Nodes.checkRoot(tree, value, "Tree.checkAccepts");
      return;
    }
    Object parent = Nodes.get(tree, path.parent(), "Tree.checkAccepts");
    Nodes.get(tree, path, "Tree.checkAccepts");
    Nodes.fit(Nodes.slotAt(tree, path, "Tree.checkAccepts"), value, path, parent,
        "Tree.checkAccepts");
  }

  // ------------------------------------------------------------------ comparing, printing

  /**
   * Structural equality: the same node kinds and module classes, the same child names in the same
   * order, equal static configuration (arrays by content, functions by identity) and equal
   * leaves ({@link Tensor#equals}). Non-record modules compare their children only.
   */
  public static boolean equals(Layer a, Layer b) {
    return Nodes.same(a, b, Tensor::equals);
  }

  /** A printable table of leaf paths, shapes and parameter counts, with totals. */
  public static String summary(Layer tree) {
    return Summary.of(tree);
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }

  private static List<Path> leafPathsUnder(Object node, Path at) {
    List<Path> out = new ArrayList<>();
    Nodes.walk(node, at, (p, n) -> {
      if (n instanceof Tensor) {
        out.add(p);
      }
    });
    return out;
  }
}
