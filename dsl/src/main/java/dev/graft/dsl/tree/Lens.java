package dev.graft.dsl.tree;

import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A focus on one part {@code A} of a whole {@code S}: read it, or build a new whole with it
 * replaced. Lenses obey the laws get-set ({@code set(s, get(s))} is {@code s}), set-get
 * ({@code get(set(s, a))} is {@code a}) and set-set ({@code set(set(s, a), b)} equals
 * {@code set(s, b)}), and compose with {@link #andThen}.
 *
 * <p>{@link #of(Path)} focuses the node or leaf at a path of a tree; {@link #of(Function)}
 * focuses whatever a selector returns, found by identity in the tree given to {@code set}
 * (Equinox's {@code tree_at}). Both check replacements against declared types as
 * {@link Tree#set} does.
 *
 * @param <S> the whole (a tree, or a node of one)
 * @param <A> the part in focus
 */
public interface Lens<S, A> {
  /** The part of {@code source} in focus. */
  A get(S source);

  /** A new whole: {@code source} with the part in focus replaced by {@code value}. */
  S set(S source, A value);

  /** {@code set(source, f(get(source)))}. */
  default S modify(S source, UnaryOperator<A> f) {
    return set(source, f.apply(get(source)));
  }

  /** A lens that focuses {@code next}'s part inside this lens's part. */
  default <B> Lens<S, B> andThen(Lens<A, B> next) {
    Lens<S, A> self = this;
    return new FunctionLens<>(s -> next.get(self.get(s)),
        (s, b) -> self.set(s, next.set(self.get(s), b)), this + " / " + next);
  }

  /**
   * The node or leaf at {@code path}; {@code A} is whatever the caller expects there (use
   * {@link #of(Path, Class)} to have it checked).
   */
  static <S, A> Lens<S, A> of(Path path) {
    return new FunctionLens<>(s -> {
      @SuppressWarnings("unchecked")
      A a = (A) Nodes.get(s, path, "Lens.get");
      return a;
    }, (s, a) -> {
      @SuppressWarnings("unchecked")
      S out = (S) Nodes.update(s, path, old -> a, "Lens.set");
      return out;
    }, "Lens.of(" + path + ")");
  }

  /** The node or leaf at {@code path}, checked on {@code get} to be an {@code A}. */
  static <S, A> Lens<S, A> of(Path path, Class<A> type) {
    return new FunctionLens<>(s -> {
      Object n = Nodes.get(s, path, "Lens.get");
      if (!type.isInstance(n)) {
        throw new IllegalArgumentException("Lens.get: '" + path + "' holds " + Slot.describe(n)
            + ", expected " + Slot.name(type));
      }
      return type.cast(n);
    }, (s, a) -> {
      @SuppressWarnings("unchecked")
      S out = (S) Nodes.update(s, path, old -> a, "Lens.set");
      return out;
    }, "Lens.of(" + path + ", " + Slot.name(type) + ")");
  }

  /**
   * The node or leaf {@code selector} returns, e.g. {@code m -> m.layers().get(0).weight()};
   * {@code set} finds it by identity and fails if it is not in the tree (or sits in several
   * places).
   */
  static <S, A> Lens<S, A> of(Function<? super S, ? extends A> selector) {
    return new FunctionLens<>(selector::apply, (s, a) -> {
      Path p = Tree.locate(s, selector.apply(s), "Lens.set");
      @SuppressWarnings("unchecked")
      S out = (S) Nodes.update(s, p, old -> a, "Lens.set");
      return out;
    }, "Lens.of(selector)");
  }

  /** A lens from a getter and a setter; the caller vouches for the laws. */
  static <S, A> Lens<S, A> of(Function<? super S, ? extends A> getter,
      BiFunction<? super S, ? super A, ? extends S> setter) {
    return new FunctionLens<>(getter::apply, setter::apply, "Lens.of(getter, setter)");
  }
}
