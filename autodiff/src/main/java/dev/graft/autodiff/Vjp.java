package dev.graft.autodiff;

import dev.graft.runtime.Shapes;
import dev.graft.runtime.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * A function's output together with its pullback, from {@link Grad#vjp}: {@link
 * #pullback(Tensor)} maps any cotangent of the output to one cotangent per primal, in order.
 *
 * <p>The pullback may be called any number of times, from any thread; each call runs the VJP
 * rules under that thread's current interpreter (eager, or an enclosing trace, which then
 * differentiates the pullback itself). The recorded tape, and the forward values its rules keep,
 * stay reachable as long as this object does; {@link Grad#valueAndGrad} instead releases them as
 * its single backward pass goes.
 */
public final class Vjp {
  private final Tensor output;
  private final Tape tape;
  private final int outputId;
  private final int[] leafIds;

  Vjp(Tensor output, Tape tape, int outputId, int[] leafIds) {
    this.output = output;
    this.tape = tape;
    this.outputId = outputId;
    this.leafIds = leafIds;
  }

  /** The function's output, as computed while tracing. */
  public Tensor output() {
    return output;
  }

  /**
   * The cotangent of each primal (same order and shapes as given to {@link Grad#vjp}) for the
   * output cotangent {@code cotangent}, which must have the output's shape.
   */
  public List<Tensor> pullback(Tensor cotangent) {
    int[] expected = output.shape();
    if (!Arrays.equals(cotangent.shape(), expected)) {
      throw new IllegalArgumentException("pullback: cotangent of shape "
          + Shapes.format(cotangent.shape()) + " for an output of shape "
          + Shapes.format(expected));
    }
    return List.of(run(cotangent, false));
  }

  /** The recorded tape; for tests. */
  Tape tape() {
    return tape;
  }

  /** Walks the tape once; with {@code release}, nodes are dropped as they are used. */
  Tensor[] run(Tensor cotangent, boolean release) {
    if (outputId < 0) {
      Tensor[] zeros = new Tensor[leafIds.length];
      for (int k = 0; k < zeros.length; k++) {
        zeros[k] = tape.leafZeros(leafIds[k]);
      }
      return zeros;
    }
    return tape.backward(outputId, cotangent, leafIds, release);
  }
}
