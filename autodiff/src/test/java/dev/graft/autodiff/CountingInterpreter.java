package dev.graft.autodiff;

import dev.graft.runtime.Dispatch;
import dev.graft.runtime.Interpreter;
import dev.graft.runtime.Params;
import dev.graft.runtime.Primitive;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An interpreter that computes eagerly and records every application with its output shape. */
final class CountingInterpreter implements Interpreter {
  /** One recorded application. */
  record Call(Primitive primitive, int[] outputShape) {
    @Override
    public String toString() {
      return primitive + Arrays.toString(outputShape);
    }
  }

  final List<Call> calls = new ArrayList<>();

  @Override
  public Tensor apply(Primitive primitive, Params params, Tensor... inputs) {
    Tensor out = Dispatch.eager().apply(primitive, params, inputs);
    calls.add(new Call(primitive, out.shape()));
    return out;
  }

  List<Call> of(Primitive p) {
    return calls.stream().filter(c -> c.primitive() == p).toList();
  }

  boolean anyOutputShaped(int... shape) {
    return calls.stream().anyMatch(c -> Arrays.equals(c.outputShape(), shape));
  }
}
