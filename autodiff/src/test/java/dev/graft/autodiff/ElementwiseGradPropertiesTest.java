package dev.graft.autodiff;

import static dev.graft.autodiff.TestTensors.assertGrad;
import static dev.graft.autodiff.TestTensors.lattice;
import static dev.graft.autodiff.TestTensors.partner;
import static dev.graft.autodiff.TestTensors.qt;
import static dev.graft.autodiff.TestTensors.seeds;
import static dev.graft.autodiff.TestTensors.shapes;
import static dev.graft.autodiff.TestTensors.signedAway;
import static dev.graft.autodiff.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/** Properties: every elementwise primitive's VJP agrees with finite differences. */
class ElementwiseGradPropertiesTest {

  /** A unary op and the inputs on which it is smooth. */
  enum Unary {
    NEG(Tensor::unaryMinus, Domain.ANY),
    EXP(Tensor::exp, Domain.ANY),
    LOG(Tensor::log, Domain.POSITIVE),
    SQRT(Tensor::sqrt, Domain.POSITIVE),
    ABS(Tensor::abs, Domain.AWAY_FROM_ZERO),
    TANH(Tensor::tanh, Domain.ANY),
    SIGMOID(Tensor::sigmoid, Domain.ANY),
    RELU(Tensor::relu, Domain.AWAY_FROM_ZERO),
    GELU(Tensor::gelu, Domain.ANY),
    ERF(Tensor::erf, Domain.ANY),
    SIGN(Tensor::sign, Domain.AWAY_FROM_ZERO),
    SQUARE(Tensor::square, Domain.ANY),
    STOP_GRADIENT_TIMES(x -> x.times(x.stopGradient()), Domain.ANY);

    final UnaryOperator<Tensor> op;
    final Domain domain;

    Unary(UnaryOperator<Tensor> op, Domain domain) {
      this.op = op;
      this.domain = domain;
    }
  }

  enum Domain { ANY, POSITIVE, AWAY_FROM_ZERO }

  private static Tensor sample(SplittableRandom r, Domain d, int[] shape) {
    switch (d) {
      case POSITIVE:
        return uniform(r, 0.5, 3, shape);
      case AWAY_FROM_ZERO:
        return signedAway(r, 0.2, 2, shape);
      default:
        return uniform(r, -2, 2, shape);
    }
  }

  @Test
  void unaryPrimitives() {
    qt(60).forAll(Generate.enumValues(Unary.class), shapes(0, 3, 4), seeds())
        .checkAssert((u, shape, seed) -> {
          Tensor x = sample(new SplittableRandom(seed), u.domain, shape);
          if (u == Unary.STOP_GRADIENT_TIMES) {
            // x·stopGradient(x) differentiates as x (not 2x): compare with that, not with FD.
            Tensor g = Grad.grad(p -> p.get(0).times(p.get(0).stopGradient()).sum(), List.of(x))
                .get(0);
            assertArrayEquals(x.toArray(), g.toArray(), 0f);
            return;
          }
          assertGrad(p -> u.op.apply(p.get(0)), x);
        });
  }

  @Test
  void geluDerivativeIsTheExactOneThroughErf() {
    float[] xs = {-3f, -1.3f, -0.2f, 0f, 0.4f, 1f, 2.5f};
    Tensor x = Tensor.of(xs, xs.length);
    float[] g = Grad.grad(p -> p.get(0).gelu().sum(), List.of(x)).get(0).toArray();
    for (int i = 0; i < xs.length; i++) {
      double v = xs[i];
      double cdf = 0.5 * (1 + Erf.erf(v / Math.sqrt(2)));
      double pdf = Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI);
      assertEquals(cdf + v * pdf, g[i], 2e-6, "x = " + v);
    }
  }

  /** A binary op and how to sample its operands. */
  enum Binary {
    ADD(Tensor::plus),
    SUB(Tensor::minus),
    MUL(Tensor::times),
    DIV(Tensor::div),
    POW(Tensor::pow),
    MAXIMUM(Tensor::maximum),
    GREATER(Tensor::greater),
    EQUAL(Tensor::equalTo);

    final BiFunction<Tensor, Tensor, Tensor> op;

    Binary(BiFunction<Tensor, Tensor, Tensor> op) {
      this.op = op;
    }
  }

  private static Tensor[] operands(Binary b, SplittableRandom r, int[] as, int[] bs) {
    switch (b) {
      case DIV:
        return new Tensor[] {uniform(r, -2, 2, as), signedAway(r, 0.5, 2, bs)};
      case POW:
        return new Tensor[] {uniform(r, 0.5, 2, as), uniform(r, -2, 2, bs)};
      case MAXIMUM:
      case GREATER:
        return new Tensor[] {lattice(r, 0, as), lattice(r, 0.25, bs)};
      default:
        return new Tensor[] {uniform(r, -2, 2, as), uniform(r, -2, 2, bs)};
    }
  }

  @Test
  void binaryPrimitivesWithBroadcasting() {
    qt(80).forAll(Generate.enumValues(Binary.class), shapes(0, 3, 4), seeds(), Generate.booleans())
        .checkAssert((b, shape, seed, swap) -> {
          SplittableRandom r = new SplittableRandom(seed);
          int[] other = partner(r, shape);
          Tensor[] xy = swap ? operands(b, r, other, shape) : operands(b, r, shape, other);
          assertGrad(p -> b.op.apply(p.get(0), p.get(1)), xy[0], xy[1]);
        });
  }

  @Test
  void binaryPrimitivesWithOneConstantOperand() {
    qt(40).forAll(Generate.enumValues(Binary.class), shapes(1, 3, 4), seeds(), Generate.booleans())
        .checkAssert((b, shape, seed, first) -> {
          SplittableRandom r = new SplittableRandom(seed);
          Tensor[] xy = operands(b, r, shape, partner(r, shape));
          if (first) {
            assertGrad(p -> b.op.apply(p.get(0), xy[1]), xy[0]);
          } else {
            assertGrad(p -> b.op.apply(xy[0], p.get(0)), xy[1]);
          }
        });
  }

  @Test
  void whereBroadcastsAndLeavesTheConditionAlone() {
    qt(40).forAll(shapes(1, 3, 4), seeds()).checkAssert((shape, seed) -> {
      SplittableRandom r = new SplittableRandom(seed);
      Tensor a = uniform(r, -2, 2, shape);
      Tensor b = uniform(r, -2, 2, partner(r, shape));
      Tensor c = uniform(r, -1, 1, partner(r, shape));
      Tensor cond = c.greater(0f);
      assertGrad(p -> Tensor.where(cond, p.get(0), p.get(1)), a, b);
      // A traced condition gets no cotangent (it is a comparison's output, a constant).
      assertGrad(p -> Tensor.where(p.get(2).greater(0f), p.get(0), p.get(1)), a, b,
          TestTensors.signedAway(r, 0.2, 1, c.shape()));
    });
  }
}
