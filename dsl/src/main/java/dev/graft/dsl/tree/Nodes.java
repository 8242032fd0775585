package dev.graft.dsl.tree;

import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The traversal engine under {@link Tree}, {@link Lens} and {@link Mask}: works on any tree value
 * (a module, a list, a string-keyed map, a tensor leaf), reads children in their fixed order,
 * rebuilds only the nodes on the way to a change, checks every replacement against the declared
 * type of its position, and phrases errors with paths.
 */
final class Nodes {
  private Nodes() {}

  /** Called for each node in pre-order. */
  interface Visitor {
    void visit(Path path, Object node);
  }

  /** Computes a leaf's replacement; returning the same object keeps the leaf. */
  interface LeafFn {
    Tensor apply(Path path, Tensor leaf);
  }

  // ------------------------------------------------------------------ reading

  /** The ordered children of {@code node}; empty for a leaf. */
  static Map<String, Object> children(Object node, Path at) {
    if (node instanceof Tensor) {
      return Map.of();
    }
    if (node instanceof Layer m) {
      Map<String, Object> kids = m.children();
      if (!Records.generic(m)) {
        for (Map.Entry<String, Object> e : kids.entrySet()) {
          Path.checkSegment(e.getKey(), "children() of " + Slot.describe(m) + " at '" + at + "'");
          Object v = e.getValue();
          String why = v == null ? "is null" : Slot.AnyValue.INSTANCE.misfit(v);
          if (why != null) {
            throw new IllegalStateException("children() of " + Slot.describe(m) + " at '" + at
                + "': child '" + e.getKey() + "' " + why);
          }
        }
      }
      return kids;
    }
    if (node instanceof List<?> list) {
      Map<String, Object> kids = new LinkedHashMap<>();
      for (int i = 0; i < list.size(); i++) {
        Object e = list.get(i);
        if (e == null) {
          throw new IllegalArgumentException("the List at '" + at + "' has a null element at "
              + i + "; a tree holds no nulls");
        }
        kids.put(Integer.toString(i), e);
      }
      return kids;
    }
    if (node instanceof Map<?, ?> map) {
      TreeMap<String, Object> sorted = new TreeMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException("the Map at '" + at + "' has a key " + e.getKey()
              + " that is not a String; map keys become path segments");
        }
        Path.checkSegment(key, "the Map at '" + at + "'");
        if (e.getValue() == null) {
          throw new IllegalArgumentException("the Map at '" + at + "' maps '" + key
              + "' to null; a tree holds no nulls");
        }
        sorted.put(key, e.getValue());
      }
      return new LinkedHashMap<>(sorted);
    }
    throw new IllegalArgumentException("at '" + at + "': " + Slot.describe(node)
        + " is not a tree value (a Tensor, a Layer, or a List or Map of them)");
  }

  /** The child named {@code seg}, or {@code null} when there is none. */
  static @Nullable Object child(Object node, String seg) {
    if (node instanceof Layer m && Records.generic(m)) {
      RecordShape.Component c = RecordShape.of(m.getClass()).child(seg);
      return c == null ? null : c.read(m);
    }
    if (node instanceof List<?> list) {
      int i = index(seg);
      return i >= 0 && i < list.size() ? list.get(i) : null;
    }
    if (node instanceof Map<?, ?> map) {
      return map.get(seg);
    }
    if (node instanceof Layer m) {
      return m.children().get(seg);
    }
    return null;
  }

  private static int index(String seg) {
    if (seg.length() > 9) {
      return -1;
    }
    int v = 0;
    for (int i = 0; i < seg.length(); i++) {
      char ch = seg.charAt(i);
      if (ch < '0' || ch > '9') {
        return -1;
      }
      v = v * 10 + (ch - '0');
    }
    return seg.length() > 1 && seg.charAt(0) == '0' ? -1 : v;
  }

  /** What the position {@code seg} of {@code node} accepts; {@code slot} is the node's own. */
  static Slot childSlot(Object node, Slot slot, String seg) {
    if (node instanceof Layer m) {
      if (Records.generic(m)) {
        RecordShape.Component c = RecordShape.of(m.getClass()).child(seg);
        if (c != null && c.slot() != null) {
          return c.slot();
        }
      }
      return Slot.AnyValue.INSTANCE;
    }
    return slot.element();
  }

  /** The slot of a node found at {@code path}, walking the declared types from the root. */
  static Slot slotAt(Object root, Path path, String op) {
    Slot slot = Slot.AnyValue.INSTANCE;
    Object node = root;
    for (int i = 0; i < path.depth(); i++) {
      String seg = path.segment(i);
      Object c = child(node, seg);
      if (c == null) {
        throw missing(op, root, path, i, node);
      }
      slot = childSlot(node, slot, seg);
      node = c;
    }
    return slot;
  }

  /** Pre-order walk of every node (the root first, then children in order). */
  static void walk(Object node, Path at, Visitor v) {
    v.visit(at, node);
    if (node instanceof Tensor) {
      return;
    }
    for (Map.Entry<String, Object> e : children(node, at).entrySet()) {
      walk(e.getValue(), at.child(e.getKey()), v);
    }
  }

  /** The node at {@code path}. */
  static Object get(Object root, Path path, String op) {
    Object node = root;
    for (int i = 0; i < path.depth(); i++) {
      Object c = child(node, path.segment(i));
      if (c == null) {
        throw missing(op, root, path, i, node);
      }
      node = c;
    }
    return node;
  }

  /** Every path at which {@code target} itself (by identity) sits. */
  static List<Path> find(Object root, Object target) {
    List<Path> out = new ArrayList<>();
    walk(root, Path.root(), (p, n) -> {
      if (n == target) {
        out.add(p);
      }
    });
    return out;
  }

  // ------------------------------------------------------------------ rebuilding

  /**
   * The tree with the node at {@code path} replaced by {@code f} of it; every node off the way
   * is shared. If {@code f} returns the node itself, the same tree comes back.
   */
  static Object update(Object root, Path path, UnaryOperator<Object> f, String op) {
    if (path.isRoot()) {
      Object nv = f.apply(root);
      checkRoot(root, nv, op);
      return nv;
    }
    return updateAt(root, root, Slot.AnyValue.INSTANCE, path, 0, f, op);
  }

  private static Object updateAt(Object root, Object node, Slot slot, Path path, int i,
      UnaryOperator<Object> f, String op) {
    String seg = path.segment(i);
    Object child = child(node, seg);
    if (child == null) {
      throw missing(op, root, path, i, node);
    }
    Slot cs = childSlot(node, slot, seg);
    Object nc;
    if (i + 1 == path.depth()) {
      nc = f.apply(child);
      if (nc == child) {
        return node;
      }
      fit(cs, nc, path, node, op);
    } else {
      nc = updateAt(root, child, cs, path, i + 1, f, op);
      if (nc == child) {
        return node;
      }
    }
    return rebuild(node, Map.of(seg, nc), path.prefix(i), op);
  }

  /**
   * Every leaf replaced by {@code fn}; only nodes whose leaves changed are rebuilt. When
   * {@code only} is non-null, subtrees whose path is not in it are skipped.
   */
  static Object transform(Object node, Path at, LeafFn fn, @Nullable Set<Path> only, String op) {
    if (node instanceof Tensor t) {
      Tensor r = fn.apply(at, t);
      if (r == null) {
        throw new IllegalArgumentException(op + ": the function returned null for the leaf at '"
            + at + "'");
      }
      return r;
    }
    Map<String, Object> changed = null;
    for (Map.Entry<String, Object> e : children(node, at).entrySet()) {
      Path p = at.child(e.getKey());
      if (only != null && !only.contains(p)) {
        continue;
      }
      Object c = e.getValue();
      Object nc = transform(c, p, fn, only, op);
      if (nc != c) {
        if (changed == null) {
          changed = new LinkedHashMap<>();
        }
        changed.put(e.getKey(), nc);
      }
    }
    return changed == null ? node : rebuild(node, changed, at, op);
  }

  /** A copy of {@code node} with the named children replaced (already checked to fit). */
  static Object rebuild(Object node, Map<String, Object> changed, Path at, String op) {
    if (node instanceof Layer m) {
      try {
        return m.withChildren(changed);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(op + ": rebuilding " + Slot.describe(m) + " at "
            + where(at) + " failed: " + e.getMessage(), e);
      }
    }
    if (node instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list);
      for (Map.Entry<String, Object> e : changed.entrySet()) {
        copy.set(Integer.parseInt(e.getKey()), e.getValue());
      }
      return Collections.unmodifiableList(copy);
    }
    if (node instanceof Map<?, ?>) {
      Map<String, Object> copy = children(node, at);
      copy.putAll(changed);
      return Collections.unmodifiableMap(copy);
    }
    throw new IllegalStateException(op + ": " + Slot.describe(node) + " at " + where(at)
        + " has no children to replace");
  }

  // ------------------------------------------------------------------ checks and messages

  /** Throws unless {@code value} fits the position {@code path} (child of {@code parent}). */
  static void fit(Slot slot, @Nullable Object value, Path path, Object parent, String op) {
    String why = value == null ? "the value is null" : slot.misfit(value);
    if (why != null) {
      throw new IllegalArgumentException(op + ": cannot put " + Slot.describe(value) + " at '"
          + path + "': " + position(parent, path) + " " + why);
    }
  }

  /** Whether {@code value} would fit at {@code path} of {@code root}. */
  static boolean fits(Object root, Path path, @Nullable Object value, String op) {
    if (value == null) {
      return false;
    }
    if (path.isRoot()) {
      return rootMisfit(root, value) == null;
    }
    get(root, path, op);
    return slotAt(root, path, op).misfit(value) == null;
  }

  private static String position(Object parent, Path path) {
    String seg = path.name();
    if (parent instanceof Layer m) {
      return "component '" + seg + "' of " + Slot.name(m.getClass()) + " is";
    }
    String kind = parent instanceof List<?> ? "element " + seg : "entry '" + seg + "'";
    return kind + " of the " + (parent instanceof List<?> ? "List" : "Map") + " at "
        + where(path.parent()) + " is";
  }

  static void checkRoot(Object root, @Nullable Object value, String op) {
    String why = value == null ? "the value is null" : rootMisfit(root, value);
    if (why != null) {
      throw new IllegalArgumentException(op + ": cannot replace the root " + Slot.describe(root)
          + " with " + Slot.describe(value) + ": " + why);
    }
  }

  private static @Nullable String rootMisfit(Object root, Object value) {
    if (root instanceof Layer) {
      return root.getClass().isInstance(value) ? null
          : "a new root must be a " + Slot.name(root.getClass()) + " (the tree's type)";
    }
    if (root instanceof Tensor) {
      return value instanceof Tensor ? null : "expected a Tensor";
    }
    if (root instanceof List<?>) {
      return value instanceof List<?> ? Slot.AnyValue.INSTANCE.misfit(value) : "expected a List";
    }
    return value instanceof Map<?, ?> ? Slot.AnyValue.INSTANCE.misfit(value) : "expected a Map";
  }

  static String where(Path p) {
    return p.isRoot() ? "the root" : "'" + p + "'";
  }

  /**
   * The error for {@code path}, whose first {@code i} segments exist and lead to {@code node}
   * but whose segment {@code i} does not.
   */
  static IllegalArgumentException missing(String op, Object root, Path path, int i, Object node) {
    Path prefix = path.prefix(i);
    String seg = path.segment(i);
    StringBuilder sb = new StringBuilder(op).append(": no node at '").append(path).append("' in ")
        .append(Slot.describe(root)).append("; the nearest existing prefix is ")
        .append(where(prefix)).append(" (").append(Slot.describe(node)).append(')');
    if (node instanceof Tensor) {
      sb.append(", a leaf with no children");
    } else {
      sb.append(" with children ").append(names(children(node, prefix).keySet()));
    }
    if (node instanceof Layer m && m.getClass().isRecord()) {
      for (RecordShape.Component c : RecordShape.of(m.getClass()).components) {
        if (c.name().equals(seg)) {
          sb.append(c.slot() == null ? "; '" + seg + "' is static configuration, not a child"
              : "; its component '" + seg + "' is null (absent)");
        }
      }
    }
    return new IllegalArgumentException(sb.toString());
  }

  private static String names(Set<String> names) {
    if (names.size() <= 12) {
      return names.toString();
    }
    StringBuilder sb = new StringBuilder("[");
    Iterator<String> it = names.iterator();
    for (int k = 0; k < 10; k++) {
      sb.append(it.next()).append(", ");
    }
    return sb.append("... (").append(names.size()).append(" in all)]").toString();
  }

  // ------------------------------------------------------------------ equality

  /**
   * Same structure (node kinds, module classes, child names in order), equal static
   * configuration of records, and leaves related by {@code leafEq}.
   */
  static boolean same(Object a, Object b, BiPredicate<Tensor, Tensor> leafEq) {
    if (a instanceof Tensor ta) {
      return b instanceof Tensor tb && leafEq.test(ta, tb);
    }
    if (a instanceof Layer ma) {
      if (a.getClass() != b.getClass()) {
        return false;
      }
      if (a.getClass().isRecord()) {
        for (RecordShape.Component c : RecordShape.of(a.getClass()).components) {
          if (c.slot() == null && !Objects.deepEquals(c.read(a), c.read(b))) {
            return false;
          }
        }
      } else if (ma.children().isEmpty() && !a.equals(b)) {
        return false;
      }
    } else if (a instanceof List<?>) {
      if (!(b instanceof List<?>)) {
        return false;
      }
    } else if (a instanceof Map<?, ?>) {
      if (!(b instanceof Map<?, ?>)) {
        return false;
      }
    }
    Map<String, Object> ka = children(a, Path.root());
    Map<String, Object> kb = children(b, Path.root());
    if (!new ArrayList<>(ka.keySet()).equals(new ArrayList<>(kb.keySet()))) {
      return false;
    }
    for (Map.Entry<String, Object> e : ka.entrySet()) {
      if (!same(e.getValue(), kb.get(e.getKey()), leafEq)) {
        return false;
      }
    }
    return true;
  }

  /** A hash consistent with {@link #same} for any {@code leafEq}: leaves contribute nothing. */
  static int structureHash(Object node) {
    if (node instanceof Tensor) {
      return 1;
    }
    int h = node instanceof Layer ? node.getClass().hashCode() : node instanceof List ? 2 : 3;
    for (Map.Entry<String, Object> e : children(node, Path.root()).entrySet()) {
      h = 31 * (31 * h + e.getKey().hashCode()) + structureHash(e.getValue());
    }
    return h;
  }
}
