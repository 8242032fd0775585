package dev.graft.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link GradCheck} accepts right gradients and catches wrong ones, saying where. */
class GradCheckTest {
  private final Tensor x = Tensor.of(new float[] {0.5f, -1f, 2f, 1.5f}, 2, 2);

  @Test
  void rightGradientsPassWithSmallError() {
    GradCheck.Report report = GradCheck.check(p -> p.get(0).tanh().times(p.get(0)).sum(),
        List.of(x));
    assertTrue(report.worstRelativeError() < 1e-3, report.toString());
    assertEquals(4, report.checked());
  }

  @Test
  void aWrongGradientIsCaughtAndLocated() {
    // x·stopGradient(x) has true derivative 2x but reverse mode gives x: a "wrong rule", here
    // only at index (1, 1); elsewhere the function is c·x² and differentiates right.
    Tensor mask = Tensor.of(new float[] {0, 0, 0, 1}, 2, 2);
    Tensor c = Tensor.of(new float[] {1, 2, 1, 3}, 2, 2);
    GradCheck.Report report = GradCheck.check(p -> {
      Tensor sq = p.get(0).times(p.get(0));
      Tensor cut = p.get(0).times(p.get(0).stopGradient());
      return Tensor.where(mask, cut, sq).times(p.get(1)).sum();
    }, List.of(x, c));
    assertTrue(report.worstRelativeError() > 0.4, report.toString());
    assertEquals(0, report.argument());
    assertArrayEquals(new int[] {1, 1}, report.index(), report.toString());
    AssertionError e = assertThrows(AssertionError.class, () -> report.assertWithin(0.1));
    assertTrue(e.getMessage().contains("argument 0"), e.getMessage());
  }

  @Test
  void nonScalarOutputsAreCheckedThroughARandomCotangent() {
    GradCheck.assertGradients(p -> p.get(0).exp(), List.of(x));
    GradCheck.Report wrong = GradCheck.check(p -> p.get(0).times(p.get(0).stopGradient()),
        List.of(x));
    assertTrue(wrong.worstRelativeError() > 0.4, wrong.toString());
  }

  @Test
  void largeArgumentsAreSampled() {
    Tensor big = TestTensors.uniform(new java.util.SplittableRandom(3), -1, 1, 20, 20);
    GradCheck.Report report = GradCheck.check(p -> p.get(0).tanh().square(), List.of(big),
        GradCheck.Settings.DEFAULT.withMaxPerArgument(10));
    assertEquals(10, report.checked());
  }
}
