package dev.graft.dsl.tree;

import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a child position of a tree accepts, read from a record component's declared type: a
 * tensor leaf, a module of some bound, a list or string-keyed map of such, or anything that is a
 * tree value (for modules that are not records). A declared type outside these is static
 * configuration and has no slot.
 */
sealed interface Slot {
  /** The declared type, for messages and {@link Tree#componentType}. */
  Type declared();

  /** Why {@code value} does not fit, or {@code null} when it does. */
  @Nullable String misfit(Object value);

  /** The slot of this container's elements (the slot itself for {@link AnyValue}). */
  default Slot element() {
    throw new IllegalStateException("Slot.element: " + Slot.name(declared())
        + " is not a container");
  }

  /** A {@link Tensor} leaf. */
  record Leaf(Type declared) implements Slot {
    @Override
    public @Nullable String misfit(Object value) {
      return value instanceof Tensor ? null : "expected a Tensor, found " + describe(value);
    }
  }

  /** A module whose class must extend {@code bound}. */
  record Node(Class<?> bound, Type declared) implements Slot {
    @Override
    public @Nullable String misfit(Object value) {
      if (bound.isInstance(value)) {
        return null;
      }
      String m = "declared as " + name(declared) + ", found " + describe(value);
      if (value instanceof Layer && bound != Layer.class) {
        m += "; declare the component as Layer to allow wrapping";
        if (bound.getName().equals("dev.graft.dsl.Module")) {
          m += " (Module is Layer's earlier name; adapters are Layers, not Modules)";
        }
      }
      return m;
    }
  }

  /** A list whose elements fit {@code element}. */
  record Seq(Slot element, Type declared) implements Slot {
    @Override
    public @Nullable String misfit(Object value) {
      if (!(value instanceof List<?> list)) {
        return "declared as " + name(declared) + ", found " + describe(value);
      }
      for (int i = 0; i < list.size(); i++) {
        Object e = list.get(i);
        String m = e == null ? "is null" : element.misfit(e);
        if (m != null) {
          return "element " + i + " of the " + name(declared) + ": " + m;
        }
      }
      return null;
    }
  }

  /** A map with string keys whose values fit {@code element}. */
  record Dict(Slot element, Type declared) implements Slot {
    @Override
    public @Nullable String misfit(Object value) {
      if (!(value instanceof Map<?, ?> map)) {
        return "declared as " + name(declared) + ", found " + describe(value);
      }
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String)) {
          return "key " + e.getKey() + " of the " + name(declared) + " is not a String";
        }
        String m = e.getValue() == null ? "is null" : element.misfit(e.getValue());
        if (m != null) {
          return "entry '" + e.getKey() + "' of the " + name(declared) + ": " + m;
        }
      }
      return null;
    }
  }

  /** Any tree value: a tensor, a module, or a list or string-keyed map of tree values. */
  record AnyValue() implements Slot {
    static final AnyValue INSTANCE = new AnyValue();

    @Override
    public Type declared() {
      return Object.class;
    }

    @Override
    public Slot element() {
      return this;
    }

    @Override
    public @Nullable String misfit(Object value) {
      if (value instanceof Tensor || value instanceof Layer) {
        return null;
      }
      if (value instanceof List<?>) {
        return new Seq(this, List.class).misfit(value);
      }
      if (value instanceof Map<?, ?>) {
        return new Dict(this, Map.class).misfit(value);
      }
      return "expected a Tensor, a Layer, or a List or Map of them, found " + describe(value);
    }
  }

  /**
   * The slot for a declared type, or {@code null} when values of that type are static
   * configuration. {@code where} names the component for the error about non-String map keys.
   */
  static @Nullable Slot of(Type type, String where) {
    Class<?> raw = raw(type);
    if (raw == Tensor.class) {
      return new Leaf(type);
    }
    if (Layer.class.isAssignableFrom(raw)) {
      return new Node(raw, type);
    }
    if (raw.isArray() && holdsTreeValues(raw.getComponentType())) {
      throw new IllegalStateException(where + " is declared as " + name(type)
          + ": arrays are mutable and cannot be tree nodes; declare it as a List");
    }
    if (raw != List.class && raw != Map.class && type instanceof ParameterizedType p
        && (Iterable.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw)
            || raw == java.util.Optional.class)) {
      Type[] args = p.getActualTypeArguments();
      if (holdsTreeValues(raw(upper(args[args.length - 1])))) {
        throw new IllegalStateException(where + " is declared as " + name(type)
            + ": tree nodes are java.util.List or java.util.Map<String, ?> (ordered, indexable);"
            + " declare it as one of those");
      }
    }
    if ((raw == List.class || raw == Map.class) && type instanceof ParameterizedType p) {
      Type[] args = p.getActualTypeArguments();
      Type elementType = args[args.length - 1];
      Slot element = of(upper(elementType), where);
      if (element == null) {
        return null;
      }
      if (raw == List.class) {
        return new Seq(element, type);
      }
      if (raw(args[0]) != String.class) {
        throw new IllegalStateException(where + " is declared as " + name(type)
            + ": a Map in a model tree must have String keys (they become path segments)");
      }
      return new Dict(element, type);
    }
    return null;
  }

  private static boolean holdsTreeValues(Class<?> c) {
    return c == Tensor.class || Layer.class.isAssignableFrom(c);
  }

  private static Type upper(Type t) {
    if (t instanceof WildcardType w) {
      return w.getLowerBounds().length > 0 ? Object.class : w.getUpperBounds()[0];
    }
    return t;
  }

  /** The erasure of a type; a type variable erases to its first bound. */
  static Class<?> raw(Type t) {
    if (t instanceof Class<?> c) {
      return c;
    }
    if (t instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    if (t instanceof TypeVariable<?> v) {
      return raw(v.getBounds()[0]);
    }
    if (t instanceof WildcardType w) {
      return raw(w.getUpperBounds()[0]);
    }
    if (t instanceof GenericArrayType) {
      return Object[].class;
    }
    return Object.class;
  }

  /** A short readable name: {@code List<Linear>} rather than fully qualified names. */
  static String name(Type t) {
    if (t instanceof Class<?> c) {
      return c.isArray() ? name(c.getComponentType()) + "[]" : simple(c);
    }
    if (t instanceof ParameterizedType p) {
      StringBuilder sb = new StringBuilder(name(p.getRawType())).append('<');
      Type[] args = p.getActualTypeArguments();
      for (int i = 0; i < args.length; i++) {
        sb.append(i > 0 ? ", " : "").append(name(args[i]));
      }
      return sb.append('>').toString();
    }
    if (t instanceof WildcardType w) {
      if (w.getLowerBounds().length > 0) {
        return "? super " + name(w.getLowerBounds()[0]);
      }
      Type up = w.getUpperBounds()[0];
      return up == Object.class ? "?" : "? extends " + name(up);
    }
    return t.getTypeName();
  }

  private static String simple(Class<?> c) {
    String s = c.getSimpleName();
    return s.isEmpty() ? c.getName() : s;
  }

  /** A short description of a value for messages: {@code a Tensor (2, 3)}, {@code a Linear}. */
  static String describe(@Nullable Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Tensor t) {
      return "a Tensor " + Shapes.format(t.shape());
    }
    if (value instanceof List<?> l) {
      return "a List of " + l.size();
    }
    if (value instanceof Map<?, ?> m) {
      return "a Map of " + m.size();
    }
    return "a " + simple(value.getClass());
  }
}
