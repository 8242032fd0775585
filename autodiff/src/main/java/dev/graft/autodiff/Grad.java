package dev.graft.autodiff;

import dev.graft.runtime.Dispatch;
import dev.graft.runtime.Interpreter;
import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reverse-mode differentiation of functions of tensors: {@link #valueAndGrad}, {@link #grad} and
 * {@link #vjp}.
 *
 * <p>While {@code f} runs, a tracing interpreter is installed on the calling thread only; it
 * records just the primitive applications that depend on a differentiated tensor, and everything
 * else runs as usual and is a constant to the tape. So a frozen weight costs nothing in the
 * backward pass: no cotangent, no matmul, no buffer. Tensors are tracked by identity: {@code f}
 * receives a stand-in for each tensor of {@code wrt} (a new tensor object with the same shape,
 * sharing its storage) and must build its result from those, or from the {@code wrt} tensors
 * themselves if it captures them. The backward pass runs the VJP rules under the interpreter that
 * was current when the call was made (normally eager).
 *
 * <p>Tracing is confined to the calling thread, and so must {@code f}'s work be. A primitive
 * applied on another thread (a {@code parallelStream}, an executor, a coroutine) to a tensor the
 * trace follows while {@code f} runs throws an {@link IllegalStateException}, since the trace
 * would never see it and that part of the gradient would be lost; the stand-ins are what make
 * this detectable without touching the caller's own tensors, which other threads may keep using
 * (JAX raises on a leaked tracer the same way). The one case it cannot see is another thread
 * using a {@code wrt} tensor that {@code f} captured instead of its stand-in: build on the
 * stand-ins. To use several threads, split the batch into
 * separate calls, one per thread, and add the gradients.
 *
 * <p>Calls nest: a {@code valueAndGrad} inside a function being differentiated is itself traced by
 * the enclosing call, so higher-order derivatives come out right.
 */
public final class Grad {
  private Grad() {}

  /**
   * The value of the scalar function {@code f} at {@code wrt} and its gradient with respect to
   * each tensor of {@code wrt}. {@code f} receives a stand-in for each tensor of {@code wrt}
   * (same shape and values, one stand-in per distinct tensor) and must return a one-element
   * tensor. A tensor {@code f} does not use gets a zero gradient; a
   * tensor listed twice gets the full gradient at each position.
   *
   * @throws IllegalArgumentException when {@code f} returns a tensor with more than one element
   * @throws IllegalStateException when {@code f} applies a primitive that has no VJP rule to a
   *     tensor that depends on {@code wrt}, or applies one on another thread to a tensor the
   *     trace follows
   */
  public static ValueAndGrad valueAndGrad(Function<List<Tensor>, Tensor> f, List<Tensor> wrt) {
    Vjp vjp = trace("valueAndGrad", f, wrt);
    Tensor value = vjp.output();
    if (value.size() != 1) {
      throw new IllegalArgumentException("valueAndGrad: f must return a scalar (one element), got"
          + " a tensor of shape " + Shapes.format(value.shape()) + "; reduce it (sum, mean) or"
          + " use Grad.vjp");
    }
    return new ValueAndGrad(value, List.of(vjp.run(Tensor.ones(value.shape()), true)));
  }

  /** The gradients of {@link #valueAndGrad} without the value. */
  public static List<Tensor> grad(Function<List<Tensor>, Tensor> f, List<Tensor> wrt) {
    return valueAndGrad(f, wrt).grads();
  }

  /**
   * Runs {@code f} at {@code primals} (passed as stand-ins, as in {@link #valueAndGrad}) and
   * returns its output
   * of any shape together with a pullback that maps an output cotangent to one cotangent per
   * primal.
   */
  public static Vjp vjp(Function<List<Tensor>, Tensor> f, List<Tensor> primals) {
    return trace("vjp", f, primals);
  }

  private static Vjp trace(String op, Function<List<Tensor>, Tensor> f, List<Tensor> wrt) {
    Objects.requireNonNull(f, op + ": f is null");
    List<Tensor> args = List.copyOf(wrt); // rejects null elements
    Interpreter parent = Dispatch.current();
    Tracer tracer = new Tracer(parent, VjpRules.standard(), args);
    Tensor output;
    try {
      output = Dispatch.with(tracer, () -> f.apply(tracer.arguments()));
    } finally {
      tracer.stopMarking(); // also when f throws: its tensors are free to use on any thread
    }
    if (output == null) {
      throw new IllegalArgumentException(op + ": f returned null instead of a tensor");
    }
    int outputId = tracer.idOf(output);
    int[] leafIds = tracer.leafIds();
    // A function that returns its argument as is gives back the caller's own tensor.
    Tensor value = tracer.original(output);
    return new Vjp(value, tracer.finish(), outputId, leafIds);
  }
}
