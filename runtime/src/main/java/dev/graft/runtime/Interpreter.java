package dev.graft.runtime;

/**
 * What a primitive application means. The eager interpreter computes it with the kernels; a
 * tracing interpreter (autodiff) records it and delegates the computation.
 *
 * <p><b>Internal</b>: part of the interface between the runtime and the autodiff module (an
 * interpreter sees every primitive application). It is public only because that module lives in
 * another package; applications use {@link Tensor}'s methods and {@code dev.graft.autodiff.Grad}
 * instead, and it may change without notice.
 */
@FunctionalInterface
public interface Interpreter {
  /**
   * Applies {@code primitive} to {@code inputs}. Inputs have already been validated by the
   * {@link Tensor} method that built the application.
   */
  Tensor apply(Primitive primitive, Params params, Tensor... inputs);
}
