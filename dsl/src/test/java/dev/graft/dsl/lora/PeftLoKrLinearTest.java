package dev.graft.dsl.lora;

import static dev.graft.dsl.lora.ZooLaws.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link PeftLoKrLinear}: the zoo laws (identity at init, merge equals adapted, gradients against
 * finite differences, ...) for PEFT's default and {@code decompose_both} forms, LyCORIS's
 * factorization, PEFT's shape rules and the Kronecker product by its definition.
 */
class PeftLoKrLinearTest {
  /** Trainable count under PEFT's rules for {@code decompose_both} and factor -1. */
  static ZooLaws.Count count(boolean both) {
    return (out, in, r) -> {
      int[] o = PeftLoKr.factorization(out, -1);
      int[] i = PeftLoKr.factorization(in, -1);
      long w1 = PeftLoKr.fullW1(r, o[0], i[0], both) ? (long) o[0] * i[0]
          : (long) r * (o[0] + i[0]);
      long w2 = PeftLoKr.fullW2(r, o[1], i[1]) ? (long) o[1] * i[1] : (long) r * (o[1] + i[1]);
      return w1 + w2;
    };
  }

  @TestFactory
  Stream<DynamicTest> linear() {
    return ZooLaws.linear(PeftLoKrLinear.FACTORY, count(false))
        .inputDropout(ZooLaws.InputDropout.NONE).laws();
  }

  @TestFactory
  Stream<DynamicTest> linearDecomposeBoth() {
    return ZooLaws.linear(PeftLoKrLinear.factory(true, -1), count(true))
        .inputDropout(ZooLaws.InputDropout.NONE).laws();
  }

  @Test
  void factorizationIsLyCorisWalk() {
    int[][] cases = {{256, -1, 16, 16}, {128, -1, 8, 16}, {127, -1, 1, 127}, {128, 4, 4, 32},
        {12, -1, 3, 4}, {6, -1, 2, 3}, {16, -1, 4, 4}, {1, -1, 1, 1}, {12, 5, 3, 4},
        {12, 6, 6, 2}};
    for (int[] c : cases) {
      assertArrayEquals(new int[] {c[2], c[3]}, PeftLoKr.factorization(c[0], c[1]),
          "factorization(" + c[0] + ", " + c[1] + ")");
    }
    assertThrows(IllegalArgumentException.class, () -> PeftLoKr.factorization(0, -1));
  }

  @Test
  void shapesFollowPeft() {
    // The fixture's layers: Linear(16 -> 12) and Linear(12 -> 6) at r = 4: both factors whole.
    PeftLoKrLinear enc = PeftLoKrLinear.create(Linear.create(16, 12, Key.of(1)),
        new AdapterConfig(4, 8, 0, Key.of(2)), false, -1);
    assertArrayEquals(new int[] {3, 4}, enc.lokrW1().shape());
    assertArrayEquals(new int[] {4, 4}, enc.lokrW2().shape());
    assertEquals(Tensor.zeros(3, 4), enc.lokrW1());
    // r = 1 < max(4, 4)/2: W2 is factored; W1 stays whole without decompose_both.
    PeftLoKrLinear low = PeftLoKrLinear.create(Linear.create(16, 12, Key.of(1)),
        new AdapterConfig(1, 8, 0, Key.of(2)), false, -1);
    assertNull(low.lokrW2());
    assertArrayEquals(new int[] {4, 1}, low.lokrW2A().shape());
    assertArrayEquals(new int[] {1, 4}, low.lokrW2B().shape());
    assertEquals(List.of("lokrW1", "lokrW2A", "lokrW2B"), low.adapterFields());
    // decompose_both on 256 x 256 at r = 2: W1 (16, 16) factored too, W1_a zero.
    PeftLoKrLinear both = PeftLoKrLinear.create(Linear.create(256, 256, Key.of(3)),
        new AdapterConfig(2, 8, 0, Key.of(4)), true, -1);
    assertArrayEquals(new int[] {16, 2}, both.lokrW1A().shape());
    assertArrayEquals(new int[] {2, 16}, both.lokrW1B().shape());
    assertEquals(Tensor.zeros(16, 2), both.lokrW1A());
  }

  @Test
  void deltaIsTheKroneckerProductByDefinition() {
    Linear base = Linear.create(12, 6, Key.of(5));                // out 6 = 2*3, in 12 = 3*4
    Tensor w1 = Random.normal(Key.of(6), 2, 3);
    Tensor w2 = Random.normal(Key.of(7), 3, 4);
    PeftLoKrLinear l = new PeftLoKrLinear(base, w1, null, null, w2, null, null, 4, 2.0);
    float[] d = new float[6 * 12];
    for (int row = 0; row < 6; row++) {
      for (int col = 0; col < 12; col++) {
        d[row * 12 + col] = 2f * w1.value(row / 3, col / 4) * w2.value(row % 3, col % 4);
      }
    }
    Tensor delta = Tensor.of(d, 6, 12);
    assertClose(delta, l.delta(), 1e-6, "s (W1 kron W2)");
    Tensor x = Random.normal(Key.of(8), 5, 12);
    assertClose(new Linear(base.weight().plus(delta), base.bias()).apply(x), l.apply(x), 1e-5,
        "factored forward vs dense");
  }

  @Test
  void refusesFactorsThatDoNotFitTheBase() {
    Linear base = Linear.create(12, 6, Key.of(5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PeftLoKrLinear(base, Tensor.zeros(2, 3), null, null, Tensor.zeros(3, 3), null,
            null, 4, 2.0));
    assertEquals(true, e.getMessage().contains("(6, 9)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PeftLoKrLinear(base,
        Tensor.zeros(2, 3), Tensor.zeros(2, 4), Tensor.zeros(4, 3), Tensor.zeros(3, 4), null,
        null, 4, 2.0));
    assertThrows(IllegalArgumentException.class, () -> new PeftLoKrLinear(base,
        Tensor.zeros(2, 3), null, null, null, Tensor.zeros(3, 2), Tensor.zeros(2, 4), 4, 2.0));
  }
}
