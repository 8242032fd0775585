/**
 * Layers: {@code Linear}, convolutions and transposed convolutions, {@code Embedding},
 * {@code LayerNorm}, {@code Dropout}, activations, {@code Sequential}, {@code Mlp} and the
 * mixture-of-experts {@code GroupedLinear}. Each is a record whose components are its children;
 * each factory takes a {@link dev.graft.runtime.Key} and initializes as PyTorch does by default.
 */
@NullMarked
package dev.graft.dsl.nn;

import org.jspecify.annotations.NullMarked;
