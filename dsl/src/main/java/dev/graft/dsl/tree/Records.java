package dev.graft.dsl.tree;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.Map;

/**
 * The one generic mechanism behind {@link Layer#children()} and {@link Layer#withChildren}:
 * reads a record's child components and rebuilds the record through its canonical constructor,
 * with what it learns about each class cached (method handles, declared types).
 *
 * <p>A component is a child when its declared type is {@code Tensor}, a {@code Layer} type, or a
 * {@code List} / {@code Map<String, ?>} of those (nested as deep as you like); any other component
 * (numbers, enums, strings, functions, arrays) is static configuration, kept as-is on rebuild. A
 * {@code null} child component is absent. A module that is not a record has no children if it is a
 * lambda or has no instance fields (e.g. an activation {@code x -> x.relu()}); otherwise it must
 * override {@code children()} and {@code withChildren(...)}.
 */
public final class Records {
  private static final ClassValue<Boolean> OPAQUE = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      if (type.isHidden() || type.isSynthetic()) {
        return true;
      }
      for (Class<?> c = type; c != null && c != Object.class && c != Enum.class;
          c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers())) {
            return false;
          }
        }
      }
      return true;
    }
  };

  private Records() {}

  /**
   * The children of {@code module} by component name, in component order, without null
   * components (an unmodifiable map).
   */
  public static Map<String, Object> children(Layer module) {
    Class<?> type = module.getClass();
    if (type.isRecord()) {
      return Collections.unmodifiableMap(RecordShape.of(type).children(module));
    }
    requireOpaque(module, "children");
    return Map.of();
  }

  /**
   * A copy of {@code module} with the named children replaced; children not named keep their
   * value, static configuration is copied. Each value must fit the component's declared type.
   * Exceptions from the record's constructor (its validation) propagate.
   */
  public static Layer rebuild(Layer module, Map<String, ?> children) {
    Class<?> type = module.getClass();
    if (!type.isRecord()) {
      requireOpaque(module, "withChildren");
      if (!children.isEmpty()) {
        throw new IllegalArgumentException("Records.rebuild: " + Slot.describe(module)
            + " has no children, asked to set " + children.keySet());
      }
      return module;
    }
    RecordShape shape = RecordShape.of(type);
    Object[] args = new Object[shape.components.size()];
    for (RecordShape.Component c : shape.components) {
      args[c.index()] = c.read(module);
    }
    for (Map.Entry<String, ?> e : children.entrySet()) {
      RecordShape.Component c = shape.child(e.getKey());
      if (c == null) {
        throw new IllegalArgumentException("Records.rebuild: " + Slot.name(type)
            + " has no child component '" + e.getKey() + "'; its children are "
            + shape.children.keySet());
      }
      Object v = e.getValue();
      String why = v == null ? "the value is null" : c.slot().misfit(v);
      if (why != null) {
        throw new IllegalArgumentException("Records.rebuild: component '" + c.name() + "' of "
            + Slot.name(type) + ": " + why);
      }
      args[c.index()] = v;
    }
    return (Layer) shape.construct(args);
  }

  private static void requireOpaque(Layer module, String method) {
    if (!OPAQUE.get(module.getClass())) {
      throw new IllegalStateException(module.getClass().getName()
          + " is a Layer but not a record and has fields: make it a record, or override "
          + method + "() and its partner (children / withChildren) so the tree can see its"
          + " children");
    }
  }

  /** Whether {@code module} is read by the generic record mechanism (not by its own override). */
  static boolean generic(Layer module) {
    return GENERIC.get(module.getClass());
  }

  private static final ClassValue<Boolean> GENERIC = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      try {
        return type.isRecord()
            && type.getMethod("children").getDeclaringClass() == Layer.class;
      } catch (NoSuchMethodException e) {
        return false;
      }
    }
  };
}
