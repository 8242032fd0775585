package dev.graft.dsl.lora;

import static dev.graft.dsl.lora.ZooLaws.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.nn.Linear;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link PeftOFTLinear}: the zoo laws for PEFT's default (Cayley-Neumann), the exact Cayley map
 * with block sharing, and COFT; PEFT's packing of the upper triangle and its series term by term.
 */
class PeftOFTLinearTest {
  static final ZooLaws.RankRule BLOCKS = ZooLaws.RankRule.DIVIDES_IN;

  static ZooLaws.Count count(boolean share) {
    return (out, in, r) -> (long) (share ? 1 : in / r) * (r * (r - 1) / 2);
  }

  @TestFactory
  Stream<DynamicTest> linearNeumann() {
    return ZooLaws.linear(PeftOFTLinear.FACTORY, count(false)).ranks(BLOCKS)
        .inputDropout(ZooLaws.InputDropout.NONE).laws();
  }

  @TestFactory
  Stream<DynamicTest> linearExactShared() {
    return ZooLaws.linear(PeftOFTLinear.factory(
        new PeftOFTLinear.Options(true, false, 5, false, 6e-5)), count(true)).ranks(BLOCKS)
        .inputDropout(ZooLaws.InputDropout.NONE).laws();
  }

  /** COFT's projection is straight-through (as PEFT's in-place copy), so no finite differences. */
  @TestFactory
  Stream<DynamicTest> linearCoft() {
    return ZooLaws.linear(PeftOFTLinear.factory(
        new PeftOFTLinear.Options(false, true, 5, true, 0.5)), count(false)).ranks(BLOCKS)
        .inputDropout(ZooLaws.InputDropout.NONE).withoutGradCheck().laws();
  }

  @Test
  void packsTheUpperTriangleRowByRow() {
    Tensor v = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 1, 6);
    Tensor q = PeftOFT.skew(v, 4);
    float[][] u = {{0, 1, 2, 3}, {0, 0, 4, 5}, {0, 0, 0, 6}, {0, 0, 0, 0}};
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        assertEquals(u[i][j] - u[j][i], q.value(0, i, j), "Q[" + i + ", " + j + "]");
      }
    }
    assertEquals(4, PeftOFT.blockSizeOf(6));
    assertEquals(-1, PeftOFT.blockSizeOf(5));
  }

  @Test
  void neumannSeriesIsPeftsLoop() {
    Tensor v = Random.normal(Key.of(1), 2, 6).times(0.3f);
    Tensor q = PeftOFT.skew(v, 4);
    Tensor eye = Cayley.identity(4);
    Tensor q2 = q.matmul(q);
    Tensor q3 = q2.matmul(q);
    Tensor q4 = q3.matmul(q);
    Tensor five = eye.plus(q.times(2f)).plus(q2.times(2f)).plus(q3.times(2f)).plus(q4);
    assertClose(five, PeftOFT.rotations(v, 4, true, 5), 1e-6, "5 terms");
    Tensor three = eye.plus(q.times(2f)).plus(q2.times(2f)).plus(q3);
    assertClose(three, PeftOFT.rotations(v, 4, true, 3), 1e-6, "3 terms");
    assertClose(three, PeftOFT.rotations(v, 4, true, 4), 1e-6, "4 terms (PEFT: same as 3)");
    assertClose(eye.plus(q.times(2f)).broadcastTo(2, 4, 4), PeftOFT.rotations(v, 4, true, 2),
        1e-6, "2 terms");
  }

  @Test
  void exactMapIsOrthogonalAndSolvesPeftsSystem() {
    Tensor v = Random.normal(Key.of(2), 3, 10);
    Tensor r = PeftOFT.rotations(v, 5, false, 5);
    Tensor q = PeftOFT.skew(v, 5);
    Tensor eye = Cayley.identity(5);
    assertClose(eye.broadcastTo(3, 5, 5), r.matmul(r, false, true), 1e-5, "R Rᵀ = I");
    // PEFT: solve(I + Q, I - Q, left=False), i.e. R (I + Q) = I - Q.
    assertClose(eye.minus(q), r.matmul(eye.plus(q)), 1e-5, "R (I + Q) = I - Q");
  }

  @Test
  void coftKeepsEachBlockInsideItsBall() {
    Tensor v = Random.normal(Key.of(3), 4, 6);
    double eps = 0.2;
    Tensor p = PeftOFT.project(v, eps);
    double radius = eps / Math.sqrt(4);
    for (int i = 0; i < 4; i++) {
      double sq = 0;
      for (int j = 0; j < 6; j++) {
        sq += 2.0 * p.value(i, j) * p.value(i, j);
      }
      assertTrue(Math.sqrt(sq) <= radius * (1 + 1e-5), "block " + i + " norm " + Math.sqrt(sq));
    }
    Tensor small = v.times(1e-4f);
    assertClose(small, PeftOFT.project(small, eps), 0, "inside the ball: unchanged");
  }

  @Test
  void refusesBlockSizesThatDoNotDivide() {
    Linear base = Linear.create(12, 6, Key.of(4));
    assertThrows(IllegalArgumentException.class,
        () -> PeftOFTLinear.create(base, 5, PeftOFTLinear.Options.DEFAULTS));
    assertThrows(IllegalArgumentException.class,
        () -> new PeftOFTLinear(base, Tensor.zeros(3, 5), 4, false, true, 5, false, 6e-5));
  }
}
