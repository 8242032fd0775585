package dev.graft.dsl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Layer;
import dev.graft.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ActivationTest {
  private static final Tensor X = Tensor.of(new float[] {-2, -0.5f, 0, 1, 3}, 5);

  private static Tensor expected(Activation a) {
    float[] v = X.toArray();
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      double x = v[i];
      double sig = 1 / (1 + Math.exp(-x));
      out[i] = (float) switch (a) {
        case RELU -> Math.max(x, 0);
        // x * Phi(x); Phi(-2)=0.0227501, Phi(-0.5)=0.3085375, Phi(1)=0.8413447, Phi(3)=0.9986501
        case GELU -> x * (x == -2 ? 0.0227501 : x == -0.5 ? 0.3085375 : x == 0 ? 0.5
            : x == 1 ? 0.8413447 : 0.9986501);
        case TANH -> Math.tanh(x);
        case SIGMOID -> sig;
        case SILU -> x * sig;
        case IDENTITY -> x;
      };
    }
    return Tensor.of(out, 5);
  }

  @ParameterizedTest
  @EnumSource(Activation.class)
  void enumAndModuleAgreeWithHandValues(Activation a) {
    Tensor want = expected(a);
    assertTrue(a.apply(X).allClose(want, 1e-5, 1e-6), a + ": " + a.apply(X));
    Layer m = a.module();
    assertTrue(m.apply(X).allClose(want, 1e-5, 1e-6), m + ": " + m.apply(X));
    assertEquals(0, Fixtures.parameterCount(m));
  }

  @Test
  void softmaxModuleNormalizesItsAxis() {
    Tensor x = Tensor.of(new float[] {0, (float) Math.log(3), 1, 1}, 2, 2);
    assertTrue(new Softmax().apply(x).allClose(Tensor.of(new float[] {0.25f, 0.75f, 0.5f, 0.5f},
        2, 2), 1e-6, 1e-6));
    assertTrue(new Softmax(0).apply(Tensor.of(new float[] {0, 0, 0, 0}, 2, 2))
        .allClose(Tensor.full(0.5f, 2, 2), 1e-6, 1e-6));
    assertEquals(-1, new Softmax().axis());
  }
}
