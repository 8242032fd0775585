package dev.graft.runtime;

import java.util.function.Supplier;

/**
 * The single point every primitive application goes through: JAX's {@code bind}, in Java. Each
 * thread has its own current interpreter, eager unless something (autodiff) installed another
 * for the extent of a call.
 */
public final class Dispatch {
  private static final ThreadLocal<Interpreter> CURRENT = new ThreadLocal<>();

  private Dispatch() {}

  /** Applies {@code primitive} through this thread's current interpreter. */
  public static Tensor bind(Primitive primitive, Params params, Tensor... inputs) {
    Interpreter interpreter = CURRENT.get();
    return interpreter == null
        ? Eager.INSTANCE.apply(primitive, params, inputs)
        : interpreter.apply(primitive, params, inputs);
  }

  /** This thread's current interpreter. */
  public static Interpreter current() {
    Interpreter interpreter = CURRENT.get();
    return interpreter == null ? Eager.INSTANCE : interpreter;
  }

  /** The interpreter that computes with the kernels. */
  public static Interpreter eager() {
    return Eager.INSTANCE;
  }

  /**
   * Runs {@code body} on this thread with {@code interpreter} installed, and restores the
   * previous one afterwards, also when {@code body} throws.
   */
  public static <T> T with(Interpreter interpreter, Supplier<T> body) {
    Interpreter previous = CURRENT.get();
    CURRENT.set(interpreter);
    try {
      return body.get();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }
}
