package dev.graft.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A gradient call inside a function being differentiated is traced by the enclosing call, so
 * nested calls give correct (higher-order) derivatives, never a silently wrong number.
 */
class NestedGradTest {
  private final Tensor x = Tensor.of(new float[] {0.5f, -1.5f, 2f}, 3);

  @Test
  void secondDerivativeOfCube() {
    // d/dx sum(d/dx sum(x³)) = d/dx sum(3x²) = 6x
    Tensor g2 = Grad.grad(p -> Grad.grad(q -> q.get(0).pow(3f).sum(), p).get(0).sum(),
        List.of(x)).get(0);
    assertTrue(g2.allClose(x.times(6f), 1e-5, 1e-5), g2.toString());
  }

  @Test
  void innerGradientOverAnotherVariableClosingOverTheOuterOne() {
    // inner: d/dy sum(x·y) = x, so outer: d/dx sum(x · x) = 2x. Treating the inner result as a
    // constant would give x instead.
    Tensor y = Tensor.of(new float[] {3f, 1f, -2f}, 3);
    Tensor g = Grad.grad(p -> {
      Tensor inner = Grad.grad(q -> p.get(0).times(q.get(0)).sum(), List.of(y)).get(0);
      return inner.times(p.get(0)).sum();
    }, List.of(x)).get(0);
    assertTrue(g.allClose(x.times(2f), 1e-6, 0), g.toString());
  }

  @Test
  void innerValueFeedsTheOuterFunction() {
    // outer f(x) = value of inner call = sum(exp(x)), so the gradient is exp(x).
    Tensor g = Grad.grad(p -> Grad.valueAndGrad(q -> q.get(0).exp().sum(), p).value(),
        List.of(x)).get(0);
    assertTrue(g.allClose(x.exp(), 1e-6, 0), g.toString());
  }

  @Test
  void nestedGradientMatchesFiniteDifferences() {
    // Hessian-vector-like: gradient of ⟨∇f(x), v⟩ for f(x) = sum(tanh(x)²).
    Tensor v = Tensor.of(new float[] {1f, 2f, -1f}, 3);
    GradCheck.assertGradients(p -> Grad.grad(q -> q.get(0).tanh().square().sum(), p).get(0)
        .times(v).sum(), List.of(x));
  }
}
