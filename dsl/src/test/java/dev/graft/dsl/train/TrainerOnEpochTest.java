package dev.graft.dsl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import dev.graft.dsl.nn.Activation;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.optim.AdamW;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-epoch callback: called once per epoch, in order, after the evaluation, with the entry
 * the history keeps.
 */
class TrainerOnEpochTest {
  private static final Tensor X = Random.normal(Key.of(1), 24, 4);
  private static final Tensor Y = Random.normal(Key.of(2), 24, 2);

  @Test
  void onEpochSeesEachEpochOnceAfterItsEvaluation() {
    List<String> events = new ArrayList<>();
    List<Epoch> seen = new ArrayList<>();
    Net net = Net.of(Mlp.create(new int[] {4, 6, 2}, Activation.TANH, Key.of(3))).freeze()
        .lora(2, 4.0);
    TrainResult<Net> r = Trainer.builder()
        .optimizer(AdamW.of(1e-2))
        .epochs(3)
        .progressBar(false)
        .evaluation(n -> {
          events.add("evaluate");
          return Map.of("loss", (double) Losses.mse(n.apply(X), Y).item());
        })
        .onEpoch(e -> {
          events.add("epoch " + e.index());
          seen.add(e);
        })
        .build()
        .fit(net, Batch.split(X, Y, 8), (m, b) -> Losses.mse(m.apply(b.inputs()), b.targets()));
    assertEquals(List.of("evaluate", "epoch 0", "evaluate", "epoch 1", "evaluate", "epoch 2"),
        events);
    assertEquals(r.history().epochs(), seen);
    for (int i = 0; i < 3; i++) {
      assertSame(r.history().epochs().get(i), seen.get(i));
      assertTrue(seen.get(i).metrics().containsKey("loss"));
    }
  }

  @Test
  void withoutACallbackNothingChanges() {
    Trainer t = Trainer.builder().optimizer(AdamW.of(1e-2)).build();
    assertTrue(t.onEpoch().isEmpty());
  }
}
