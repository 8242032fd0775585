package dev.graft.dsl.tree;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Records} learns once per record class: each component's name, declared type, slot
 * (or none, for static configuration) and accessor, and the canonical constructor — all as method
 * handles, cached in a {@link ClassValue}.
 */
final class RecordShape {
  private static final ClassValue<RecordShape> CACHE = new ClassValue<>() {
    @Override
    protected RecordShape computeValue(Class<?> type) {
      return new RecordShape(type);
    }
  };

  /** One record component. {@code slot} is null for static configuration. */
  record Component(int index, String name, Type declared, @Nullable Slot slot,
      MethodHandle getter) {
    Object read(Object record) {
      try {
        return (Object) getter.invokeExact(record);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException("reading component '" + name + "': " + t, t);
      }
    }
  }

  final Class<?> type;
  final List<Component> components;
  final Map<String, Component> children;
  private final MethodHandle constructor;

  private RecordShape(Class<?> type) {
    if (!type.isRecord()) {
      throw new IllegalArgumentException(type.getName() + " is not a record");
    }
    this.type = type;
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    RecordComponent[] rcs = type.getRecordComponents();
    Class<?>[] raw = new Class<?>[rcs.length];
    Component[] cs = new Component[rcs.length];
    Map<String, Component> kids = new LinkedHashMap<>();
    for (int i = 0; i < rcs.length; i++) {
      RecordComponent rc = rcs[i];
      raw[i] = rc.getType();
      Type declared = rc.getGenericType();
      String where = "component '" + rc.getName() + "' of " + Slot.name(type);
      Slot slot = Slot.of(declared, where);
      MethodHandle getter;
      try {
        Method accessor = rc.getAccessor();
        accessor.setAccessible(true);
        getter = lookup.unreflect(accessor).asType(MethodType.methodType(Object.class,
            Object.class));
      } catch (IllegalAccessException | RuntimeException e) {
        throw inaccessible(type, e);
      }
      cs[i] = new Component(i, rc.getName(), declared, slot, getter);
      if (slot != null) {
        kids.put(rc.getName(), cs[i]);
      }
    }
    try {
      Constructor<?> ctor = type.getDeclaredConstructor(raw);
      ctor.setAccessible(true);
      this.constructor = lookup.unreflectConstructor(ctor)
          .asSpreader(Object[].class, rcs.length)
          .asType(MethodType.methodType(Object.class, Object[].class));
    } catch (NoSuchMethodException | IllegalAccessException | RuntimeException e) {
      throw inaccessible(type, e);
    }
    this.components = List.of(cs);
    this.children = Map.copyOf(kids);
  }

  private static IllegalStateException inaccessible(Class<?> type, Exception e) {
    return new IllegalStateException("Records: cannot read or rebuild record " + type.getName()
        + " (" + e + "); make it accessible, e.g. open its package to dev.graft.dsl", e);
  }

  static RecordShape of(Class<?> type) {
    return CACHE.get(type);
  }

  /** The component named {@code name} if it is a child (not static configuration). */
  @Nullable Component child(String name) {
    return children.get(name);
  }

  /** The non-null child components of {@code record}, in component order. */
  Map<String, Object> children(Object record) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Component c : components) {
      if (c.slot() != null) {
        Object v = c.read(record);
        if (v != null) {
          out.put(c.name(), v);
        }
      }
    }
    return out;
  }

  /** Calls the canonical constructor; exceptions it throws propagate unchanged. */
  Object construct(Object[] args) {
    try {
      return (Object) constructor.invokeExact(args);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("constructing " + type.getName() + ": " + t, t);
    }
  }
}
