package dev.graft.runtime;

/**
 * What a primitive application means. The eager interpreter computes it with the kernels; a
 * tracing interpreter (autodiff) records it and delegates the computation.
 */
@FunctionalInterface
public interface Interpreter {
  /**
   * Applies {@code primitive} to {@code inputs}. Inputs have already been validated by the
   * {@link Tensor} method that built the application.
   */
  Tensor apply(Primitive primitive, Params params, Tensor... inputs);
}
