package dev.graft.dsl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Net;
import dev.graft.dsl.lora.LoraSpec;
import dev.graft.dsl.nn.Activation;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.optim.AdamW;
import dev.graft.dsl.optim.Schedule;
import dev.graft.dsl.optim.Sgd;
import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.tree.Tree;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop: history, evaluation, plot, keys, shuffling, divergence, progress bar. */
class TrainerTest {
  private static final Tensor X = Random.normal(Key.of(1), 40, 6);
  private static final Tensor Y = Random.normal(Key.of(2), 40, 3).times(0.5f);
  private static final List<Batch> BATCHES = Batch.split(X, Y, 8);

  private static Net net() {
    return Net.of(Mlp.create(new int[] {6, 10, 3}, Activation.TANH, Key.of(3))).freeze()
        .lora(2, 4.0);
  }

  private static double fullLoss(Net net) {
    return fullLoss(net.module());
  }

  private static double fullLoss(Layer model) {
    return Losses.mse(model.apply(X), Y).item();
  }

  static boolean isPng(Path file) throws Exception {
    byte[] head = Arrays.copyOf(Files.readAllBytes(file), 8);
    return Arrays.equals(head, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
  }

  @Test
  void fitRecordsHistoryEvaluatesAndWritesAPng(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("plots/loss.png");
    List<Integer> evaluated = new ArrayList<>();
    Net start = net();
    TrainResult<Net> r = Trainer.builder()
        .optimizer(AdamW.of(1e-2))
        .epochs(3)
        .schedule(Schedule.warmupCosine(1e-2, 3, 15))
        .progressBar(false)
        .evaluation(n -> {
          evaluated.add(evaluated.size());
          return Map.of("full", fullLoss(n));
        })
        .plotPath(png)
        .plotTitle("trainer test")
        .name("lora-r2")
        .build()
        .fit(start, BATCHES, (m, b) -> Losses.mse(m.apply(b.inputs()), b.targets()));
    History h = r.history();
    assertEquals("lora-r2", h.name());
    assertEquals(15, h.steps());
    assertEquals(3, h.epochs().size());
    assertEquals(List.of(0, 1, 2), evaluated);
    assertEquals(fullLoss(r.net()), h.metric("full").get(2), 1e-6);
    assertEquals(15, r.state().step());
    // The learning rates follow the schedule that replaced the optimizer's.
    assertEquals(1e-2 / 3, h.learningRates().get(0), 1e-12);
    assertEquals(1e-2, h.learningRates().get(3), 1e-12);
    for (Epoch e : h.epochs()) {
      assertEquals(5, e.steps());
      assertEquals(40, e.samples());
      assertTrue(e.seconds() > 0 && e.samplesPerSecond() > 0 && e.stepsPerSecond() > 0);
    }
    double mean0 = h.stepLosses().subList(0, 5).stream().mapToDouble(d -> d).average()
        .orElseThrow();
    assertEquals(mean0, h.epochLosses().get(0), 1e-9);
    assertTrue(h.metric("full").get(2) < fullLoss(start), h.metric("full") + " from "
        + fullLoss(start));
    assertTrue(Files.exists(png) && isPng(png), "no PNG at " + png);
  }

  @Test
  void netFitTrainsOnlyTheTrainableLeaves() {
    Net net = net();
    Net trained = net.fit(BATCHES, (m, b) -> Losses.mse(m.apply(b.inputs()), b.targets()),
        AdamW.of(1e-2), 5);
    assertTrue(fullLoss(trained) < fullLoss(net));
    assertSame(Tree.get(net.module(), dev.graft.dsl.tree.Path.of("layers/0/base/weight")),
        Tree.get(trained.module(), dev.graft.dsl.tree.Path.of("layers/0/base/weight")));
  }

  @Test
  void keysAreFreshPerStepAndRunsRepeatWithTheSameSeed() {
    Net net = Net.of(Mlp.create(new int[] {6, 10, 3}, Activation.TANH, Key.of(3))).freeze()
        .lora(LoraSpec.builder().rank(2).alpha(4).dropout(0.5).build());
    List<Key> keys = new ArrayList<>();
    TrainLoss<Batch> loss = (m, b, key) -> {
      keys.add(key);
      return Losses.mse(m.apply(b.inputs(), key), b.targets());
    };
    Trainer t = Trainer.builder().optimizer(AdamW.of(1e-2)).epochs(2).seed(42).progressBar(false)
        .build();
    Net a = t.fit(net, BATCHES, loss).net();
    assertEquals(10, new HashSet<>(keys).size());
    assertEquals(Key.of(42).foldIn(7), keys.get(7));
    Net b = t.fit(net, BATCHES, loss).net();
    assertTrue(Tree.equals(a.module(), b.module()));
    Trainer other = Trainer.builder().from(t).seed(43).build();
    Net c = other.fit(net, BATCHES, loss).net();
    assertFalse(Tree.equals(a.module(), c.module()), "dropout should depend on the seed");
  }

  @Test
  void shuffleVisitsEveryBatchOncePerEpochInVaryingOrder() {
    List<Tensor> xs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      xs.add(Tensor.full(i, 1, 1));
    }
    List<Integer> seen = new ArrayList<>();
    Net net = Net.of(Mlp.create(new int[] {1, 1}, Activation.TANH, Key.of(0)));
    Trainer.builder().optimizer(Sgd.of(0.0)).epochs(3).shuffle(true).seed(5).progressBar(false)
        .build().fit(net, xs, (m, x) -> {
          seen.add((int) x.item());
          return m.apply(x).sum();
        });
    List<List<Integer>> epochs = List.of(seen.subList(0, 8), seen.subList(8, 16),
        seen.subList(16, 24));
    for (List<Integer> e : epochs) {
      assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), e.stream().sorted().toList());
    }
    assertNotEquals(epochs.get(0), epochs.get(1));
    assertNotEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), epochs.get(0));
  }

  @Test
  void aNonFiniteLossStopsTheRunWithItsHistory() {
    int[] calls = {0};
    var e = assertThrows(DivergedException.class, () -> Trainer.builder()
        .optimizer(Sgd.of(0.1)).epochs(2).progressBar(false).build()
        .fit(net(), BATCHES, (m, b) -> {
          Tensor l = Losses.mse(m.apply(b.inputs()), b.targets());
          return calls[0]++ == 6 ? l.times(Float.NaN) : l;
        }));
    assertTrue(e.getMessage().contains("epoch 1, step 1"), e.getMessage());
    assertEquals(6, e.history().steps());
    assertEquals(1, e.history().epochs().size());
  }

  @Test
  void theProgressBarWorksWithoutATerminal() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Trainer.builder().optimizer(AdamW.of(1e-2)).epochs(2).progressBar(true).name("bar").build()
          .fit(net(), BATCHES, (m, b) -> Losses.mse(m.apply(b.inputs()), b.targets()));
    } finally {
      System.setErr(err);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("bar") && out.contains("epoch 2/2") && out.contains("samples/s"),
        out);
    assertTrue(out.length() < 5_000, "the bar should not spam: " + out.length() + " chars");
  }

  @Test
  void optionsAreValidated() {
    var none = assertThrows(IllegalStateException.class, () -> Trainer.builder().build());
    assertTrue(none.getMessage().contains("optimizer"), none.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Trainer.builder().optimizer(Sgd.of(0.1)).epochs(-1).build());
    assertThrows(IllegalArgumentException.class,
        () -> Trainer.builder().optimizer(Sgd.of(0.1)).clipNorm(0).build());
    var empty = assertThrows(IllegalArgumentException.class,
        () -> Trainer.builder().optimizer(Sgd.of(0.1)).progressBar(false).build()
            .fit(net(), List.<Batch>of(), (m, b) -> m.apply(b.inputs()).sum()));
    assertTrue(empty.getMessage().contains("no batches"), empty.getMessage());
  }

  @Test
  void clipAndScheduleOptionsReplaceTheOptimizers() {
    Trainer t = Trainer.builder().optimizer(AdamW.of(1e-3)).schedule(Schedule.constant(0.5))
        .clipNorm(2.0).build();
    assertEquals(0.5, t.effectiveOptimizer().schedule().at(100));
    assertEquals(2.0, t.effectiveOptimizer().clipNorm());
    assertArrayEquals(new double[] {1e-3, Double.POSITIVE_INFINITY}, new double[] {
        t.optimizer().schedule().at(0), t.optimizer().clipNorm()});
  }
}
