package dev.graft.dsl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.lora.AdapterDropout;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.nn.Linear;
import dev.graft.dsl.nn.Relu;
import dev.graft.dsl.nn.Sequential;
import dev.graft.dsl.optim.Sgd;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Adapter dropout acts in every training path where it is configured, and never at inference: one
 * step with {@code p = 0.5} and one with {@code p = 0} from the same start give different weights
 * under {@code net.fit} and under {@code Trainer} with a model that overrides only {@code
 * apply(x)}, while the forward outside training ignores the rate.
 */
class AdapterDropoutTrainingTest {
  private static final Tensor X = Random.normal(Key.of(1), 16, 6);
  private static final Tensor Y = Random.normal(Key.of(2), 16, 3);
  private static final List<Batch> ONE_BATCH = List.of(new Batch(X, Y));

  /** A model that overrides only {@code apply(x)}, as the GUIDE's {@code Classifier} does. */
  record OnlyApply(Layer encoder, Layer head) implements Layer {
    @Override
    public Tensor apply(Tensor x) {
      return head.apply(encoder.apply(x).relu());
    }
  }

  private static Net adapted(double dropout) {
    Key[] k = Key.of(3).split(2);
    OnlyApply model = new OnlyApply(Linear.create(6, 8, k[0]), Linear.create(8, 3, k[1]));
    return Net.of(model).freeze().lora(LoraSpec.builder().rank(2).alpha(4.0).dropout(dropout)
        .build());
  }

  private static Net fitOnce(Net net) {
    return net.fit(ONE_BATCH, (m, b) -> Losses.mse(m.apply(b.inputs()), b.targets()),
        Sgd.of(0.1), 1);
  }

  private static Net trainOnce(Net net) {
    return Trainer.builder().optimizer(Sgd.of(0.1)).progressBar(false).seed(5).build()
        .fit(net, ONE_BATCH, (m, b, key) -> Losses.mse(m.apply(b.inputs(), key), b.targets()))
        .net();
  }

  @Test
  void inferenceIgnoresTheRate() {
    Net off = adapted(0);
    Net on = adapted(0.5);
    assertEquals(off.apply(X), on.apply(X));
    assertEquals(on.apply(X), on.apply(X));
    assertFalse(AdapterDropout.isTraining());
  }

  @Test
  void netFitDropsTheAdapterInput() {
    Net off = fitOnce(adapted(0));
    Net on = fitOnce(adapted(0.5));
    assertNotEquals(off.module(), on.module(), "one step with p = 0.5 equals one with p = 0");
    // the same run again gives the same weights
    assertEquals(on.module(), fitOnce(adapted(0.5)).module());
  }

  @Test
  void trainerDropsTheAdapterInputOfAModelWithOnlyApplyX() {
    Net off = trainOnce(adapted(0));
    Net on = trainOnce(adapted(0.5));
    assertNotEquals(off.module(), on.module(), "one step with p = 0.5 equals one with p = 0");
    assertEquals(on.module(), trainOnce(adapted(0.5)).module());
    // with p = 0 the trainer and fit agree: no dropout means no randomness at all
    assertEquals(off.module(), fitOnce(adapted(0)).module());
  }

  @Test
  void keysHandedDownStillWork() {
    // A Sequential passes keys to its layers: the explicit key is used, and it differs from p = 0.
    Net base = Net.of(Sequential.of(Linear.create(6, 8, Key.of(4)), new Relu(),
        Linear.create(8, 3, Key.of(5)))).freeze();
    Net off = trainOnce(base.lora(LoraSpec.builder().rank(2).alpha(4.0).build()));
    Net on = trainOnce(base.lora(LoraSpec.builder().rank(2).alpha(4.0).dropout(0.5).build()));
    assertNotEquals(off.module(), on.module());
  }

  @Test
  void evaluationRunsWithoutDropout() {
    List<Boolean> seen = new ArrayList<>();
    Trainer.builder().optimizer(Sgd.of(0.1)).progressBar(false).epochs(2)
        .evaluation(n -> {
          seen.add(AdapterDropout.isTraining());
          return Map.of();
        }).build()
        .fit(adapted(0.5), ONE_BATCH, (m, b) -> {
          seen.add(AdapterDropout.isTraining());
          return Losses.mse(m.apply(b.inputs()), b.targets());
        });
    assertEquals(List.of(true, false, true, false), seen);
    assertFalse(AdapterDropout.isTraining());
  }

  @Test
  void aLoopOfYourOwnOpensTheScopeAroundValueAndGrad() {
    Net net = ZooLawsAccess.perturbed(adapted(0.5));
    java.util.function.Function<Layer, Tensor> loss = m -> Losses.mse(m.apply(X), Y);
    LossAndGrads plain = net.valueAndGrad(loss);
    LossAndGrads dropped = AdapterDropout.training(Key.of(6), () -> net.valueAndGrad(loss));
    assertNotEquals(plain.item(), dropped.item());
    assertEquals(plain.item(), net.valueAndGrad(loss).item());
  }

  /** The zoo harness's perturbation, so the adapter path is not zero and dropout shows. */
  static final class ZooLawsAccess {
    static Net perturbed(Net net) {
      return dev.graft.dsl.lora.ZooLaws.perturbed(net, 7, 0.3f);
    }
  }

  @Test
  void scopesNestAndCloseOnThrow() {
    Tensor x = Tensor.ones(4, 50);
    Tensor a = AdapterDropout.training(Key.of(9), () -> AdapterDropout.apply(x, 0.5, null));
    Tensor b = AdapterDropout.training(Key.of(9), () -> AdapterDropout.apply(x, 0.5, null));
    assertEquals(a, b);
    assertNotEquals(x, a);
    assertTrue(a.toArray()[0] == 0f || a.toArray()[0] == 2f);
    try {
      AdapterDropout.training(Key.of(9), () -> {
        throw new IllegalStateException("boom");
      });
    } catch (IllegalStateException expected) {
      // the scope closed
    }
    assertFalse(AdapterDropout.isTraining());
    assertEquals(x, AdapterDropout.apply(x, 0.5, null));
  }
}
