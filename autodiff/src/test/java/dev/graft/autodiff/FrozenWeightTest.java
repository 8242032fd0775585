package dev.graft.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.Dispatch;
import dev.graft.runtime.Primitive;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A frozen weight is a constant to the tape: the backward pass of a LoRA layer {@code y = x·Wᵀ +
 * s·(x·Aᵀ)·Bᵀ} with {@code W} frozen computes no {@code dW} matmul and builds no tensor of
 * {@code W}'s shape.
 */
class FrozenWeightTest {
  private static final int BATCH = 3;
  private static final int IN = 5;
  private static final int OUT = 6;
  private static final int RANK = 2;

  private final SplittableRandom r = new SplittableRandom(7);
  private final Tensor x = TestTensors.uniform(r, -1, 1, BATCH, IN);
  private final Tensor w = TestTensors.uniform(r, -1, 1, OUT, IN);
  private final Tensor a = TestTensors.uniform(r, -1, 1, RANK, IN);
  private final Tensor b = TestTensors.uniform(r, -1, 1, OUT, RANK);

  private static Tensor lora(Tensor x, Tensor w, Tensor a, Tensor b) {
    return x.matmul(w, false, true)
        .plus(x.matmul(a, false, true).matmul(b, false, true).times(0.5f));
  }

  private CountingInterpreter countBackward(Function<List<Tensor>, Tensor> f, List<Tensor> wrt) {
    Vjp vjp = Grad.vjp(f, wrt);
    CountingInterpreter counter = new CountingInterpreter();
    Dispatch.with(counter, () -> vjp.pullback(Tensor.ones(vjp.output().shape())));
    return counter;
  }

  @Test
  void backwardWithFrozenBaseRunsNoOutByInMatmul() {
    CountingInterpreter counter = countBackward(p -> lora(x, w, p.get(0), p.get(1)).sum(),
        List.of(a, b));
    List<CountingInterpreter.Call> matmuls = counter.of(Primitive.MATMUL);
    assertEquals(3, matmuls.size(), "dH = G·B, dB = Gᵀ·H, dA = dHᵀ·x: " + matmuls);
    assertFalse(counter.anyOutputShaped(OUT, IN), "a (out, in) tensor was built: " + counter.calls);
  }

  @Test
  void differentiatingTheBaseWeightDoesBuildItsGradient() {
    // The control: the counting test can fail.
    CountingInterpreter counter = countBackward(p -> lora(x, p.get(2), p.get(0), p.get(1)).sum(),
        List.of(a, b, w));
    assertEquals(4, counter.of(Primitive.MATMUL).size(), counter.calls.toString());
    assertTrue(counter.calls.stream().anyMatch(c -> c.primitive() == Primitive.MATMUL
        && java.util.Arrays.equals(c.outputShape(), new int[] {OUT, IN})));
  }

  @Test
  void theFrozenBranchIsNotRecorded() {
    Vjp vjp = Grad.vjp(p -> lora(x, w, p.get(0), p.get(1)).sum(), List.of(a, b));
    // x·Wᵀ depends on no differentiated tensor: it ran eagerly and is not on the tape.
    assertEquals(List.of(Primitive.MATMUL, Primitive.MATMUL, Primitive.MUL, Primitive.ADD,
        Primitive.SUM), vjp.tape().recorded());
    GradCheck.assertGradients(p -> lora(x, w, p.get(0), p.get(1)), List.of(a, b));
  }
}
