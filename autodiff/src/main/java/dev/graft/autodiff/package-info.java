/**
 * Reverse-mode automatic differentiation over the runtime's primitives: a tracing interpreter
 * records only the applications that depend on the tensors being differentiated, and one VJP rule
 * per primitive walks that tape backwards. Entry points are {@link dev.graft.autodiff.Grad} and
 * {@link dev.graft.autodiff.GradCheck}.
 */
@NullMarked
package dev.graft.autodiff;

import org.jspecify.annotations.NullMarked;
