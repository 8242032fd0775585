package dev.graft.dsl.tree;

import dev.graft.runtime.Key;
import dev.graft.runtime.Tensor;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A node of a model tree with a forward pass. Implement it with a Java record (or a Kotlin
 * {@code @JvmRecord data class}): the record's components are the node's children — a
 * {@link Tensor} component is a leaf, a {@code Layer} or a {@code List}/{@code Map} of them is a
 * subtree, anything else is static configuration.
 *
 * <p>It lives with the tree machinery that walks it ({@link Records}, {@link Tree}, {@link Mask}),
 * below every layer kind, adapter, optimizer and file format, so those depend on it and it on none
 * of them. It was called {@code dev.graft.dsl.Module}; that name is kept as a deprecated
 * sub-interface so old records still compile, but a component that should accept wrapped layers
 * must be declared as {@code Layer}.
 */
public interface Layer {
  /** The forward pass (inference: stochastic layers are the identity). */
  Tensor apply(Tensor x);

  /**
   * The forward pass with randomness: stochastic layers (dropout) draw from {@code key}; with a
   * {@code null} key they behave as {@link #apply(Tensor)}.
   */
  default Tensor apply(Tensor x, @Nullable Key key) {
    return apply(x);
  }

  /** Kotlin's call operator: {@code layer(x)}. */
  default Tensor invoke(Tensor x) {
    return apply(x);
  }

  /** Kotlin's call operator with a key: {@code layer(x, key)}. */
  default Tensor invoke(Tensor x, @Nullable Key key) {
    return apply(x, key);
  }

  /**
   * This node's children by name, in a fixed order: a {@link Tensor} (leaf), a {@code Layer}, or a
   * {@code List} / {@code Map<String, ?>} of them. For a record this is generic ({@link
   * Records#children}): its child components in component order, null ones left out. A module
   * that is not a record overrides this together with {@link #withChildren}.
   */
  default Map<String, Object> children() {
    return Records.children(this);
  }

  /**
   * A copy of this node with the named children replaced (names not given keep their child);
   * static configuration is kept. For a record this is generic ({@link Records#rebuild}): the
   * canonical constructor, after checking each value fits its component's declared type.
   */
  default Layer withChildren(Map<String, ?> children) {
    return Records.rebuild(this, children);
  }
}
