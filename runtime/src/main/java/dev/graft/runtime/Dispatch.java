package dev.graft.runtime;

import java.util.function.Supplier;

/**
 * The single point every primitive application goes through: JAX's {@code bind}, in Java. Each
 * thread has its own current interpreter, eager unless something (autodiff) installed another
 * for the extent of a call.
 *
 * <p><b>Internal</b>: part of the interface between the runtime and the autodiff module (an
 * interpreter sees every primitive application). It is public only because that module lives in
 * another package; applications use {@link Tensor}'s methods and {@code dev.graft.autodiff.Grad}
 * instead, and it may change without notice.
 */
public final class Dispatch {
  private static final ThreadLocal<Interpreter> CURRENT = new ThreadLocal<>();

  private Dispatch() {}

  /** Applies {@code primitive} through this thread's current interpreter. */
  public static Tensor bind(Primitive primitive, Params params, Tensor... inputs) {
    Interpreter interpreter = CURRENT.get();
    if (interpreter == null) {
      checkTraceThread(primitive, inputs);
      return Eager.INSTANCE.apply(primitive, params, inputs);
    }
    return interpreter.apply(primitive, params, inputs);
  }

  /**
   * Puts {@code mark} on {@code t}: a tracing interpreter's note that it follows {@code t}. See
   * {@link TraceMark}.
   */
  public static void markTraced(Tensor t, TraceMark mark) {
    t.traceMark(mark);
  }

  /**
   * Refuses to apply {@code primitive} on this thread to a tensor that a gradient trace running
   * on another thread follows and is still recording: the trace would never see the application,
   * so the tensor's part in the gradient would be lost without a word. Called by {@link #bind} on
   * threads without an interpreter, and by tracing interpreters for their inputs.
   *
   * @throws IllegalStateException naming the primitive, the shape and both threads
   */
  public static void checkTraceThread(Primitive primitive, Tensor... inputs) {
    for (Tensor t : inputs) {
      TraceMark m = t.traceMark();
      if (m != null && m.isLive() && m.owner() != Thread.currentThread()) {
        throw new IllegalStateException(primitive + " on thread '"
            + Thread.currentThread().getName() + "' was given a tensor of shape "
            + Shapes.format(t.shapeRef()) + " that a gradient trace running on thread '"
            + m.owner().getName() + "' follows: tracing is confined to the thread that called"
            + " valueAndGrad (or grad, vjp), so its part in the gradient would be lost. Run"
            + " the whole loss, the forward pass included, on that thread (no parallelStream,"
            + " executor or coroutine inside the loss); split the batch into separate"
            + " valueAndGrad calls and add their gradients instead");
      }
    }
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
