package dev.graft.dsl.tree;

import java.util.function.BiFunction;
import java.util.function.Function;

/** A {@link Lens} made of a getter, a setter and a name for {@link #toString}. */
final class FunctionLens<S, A> implements Lens<S, A> {
  private final Function<S, A> getter;
  private final BiFunction<S, A, S> setter;
  private final String name;

  FunctionLens(Function<S, A> getter, BiFunction<S, A, S> setter, String name) {
    this.getter = getter;
    this.setter = setter;
    this.name = name;
  }

  @Override
  public A get(S source) {
    return getter.apply(source);
  }

  @Override
  public S set(S source, A value) {
    return setter.apply(source, value);
  }

  @Override
  public String toString() {
    return name;
  }
}
