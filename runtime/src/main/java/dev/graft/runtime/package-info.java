/** Tensors, primitives and their dispatch point, kernels, random keys, initializers, linear algebra. */
@NullMarked
package dev.graft.runtime;

import org.jspecify.annotations.NullMarked;
