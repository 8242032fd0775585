/**
 * Tensors, primitives and their dispatch point, kernels, random keys, initializers, linear algebra.
 *
 * <p>Applications use {@link dev.graft.runtime.Tensor}, {@link dev.graft.runtime.Key}, {@link
 * dev.graft.runtime.Random}, {@link dev.graft.runtime.Init}, {@link dev.graft.runtime.Linalg}
 * (with {@link dev.graft.runtime.Svd} and {@link dev.graft.runtime.Qr}), {@link
 * dev.graft.runtime.Index} and {@link dev.graft.runtime.Shapes}. {@link
 * dev.graft.runtime.Dispatch}, {@link dev.graft.runtime.Interpreter}, {@link
 * dev.graft.runtime.Primitive}, {@link dev.graft.runtime.Params}, {@link
 * dev.graft.runtime.TraceMark} and {@code Tensor.adopt} are internal: the interface the autodiff
 * module and Graft's own loaders build on, public only because they live in other packages.
 */
@NullMarked
package dev.graft.runtime;

import org.jspecify.annotations.NullMarked;
