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
 * backward pass: no cotangent, no matmul, no buffer. Tensors are tracked by identity, so {@code f}
 * must build its result from the very tensor objects it is given (or captures), on the calling
 * thread. The backward pass runs the VJP rules under the interpreter that was current when the
 * call was made (normally eager).
 *
 * <p>Calls nest: a {@code valueAndGrad} inside a function being differentiated is itself traced by
 * the enclosing call, so higher-order derivatives come out right.
 */
public final class Grad {
  private Grad() {}

  /**
   * The value of the scalar function {@code f} at {@code wrt} and its gradient with respect to
   * each tensor of {@code wrt}. {@code f} receives {@code wrt} itself (the same tensor objects)
   * and must return a one-element tensor. A tensor {@code f} does not use gets a zero gradient; a
   * tensor listed twice gets the full gradient at each position.
   *
   * @throws IllegalArgumentException when {@code f} returns a tensor with more than one element
   * @throws IllegalStateException when {@code f} applies a primitive that has no VJP rule to a
   *     tensor that depends on {@code wrt}
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
   * Runs {@code f} at {@code primals} (passed as the same tensor objects) and returns its output
   * of any shape together with a pullback that maps an output cotangent to one cotangent per
   * primal.
   */
  public static Vjp vjp(Function<List<Tensor>, Tensor> f, List<Tensor> primals) {
    return trace("vjp", f, primals);
  }

  private static Vjp trace(String op, Function<List<Tensor>, Tensor> f, List<Tensor> wrt) {
    Objects.requireNonNull(f, op + ": f is null");
    List<Tensor> args = List.copyOf(wrt); // rejects null elements; same tensor objects
    Interpreter parent = Dispatch.current();
    Tracer tracer = new Tracer(parent, VjpRules.standard(), args);
    Tensor output = Dispatch.with(tracer, () -> f.apply(args));
    if (output == null) {
      throw new IllegalArgumentException(op + ": f returned null instead of a tensor");
    }
    int outputId = tracer.idOf(output);
    int[] leafIds = tracer.leafIds();
    return new Vjp(output, tracer.finish(), outputId, leafIds);
  }
}
