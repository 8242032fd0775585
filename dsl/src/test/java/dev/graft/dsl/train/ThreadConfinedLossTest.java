package dev.graft.dsl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.tree.Layer;
import dev.graft.dsl.Net;
import dev.graft.dsl.nn.Activation;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.optim.Sgd;
import dev.graft.runtime.Key;
import dev.graft.runtime.Random;
import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A loss that runs the model on other threads fails loudly under {@code valueAndGrad} and the
 * {@link Trainer}, instead of returning the right loss with zero or partial gradients; the model
 * itself may still be used by other threads for inference meanwhile.
 */
class ThreadConfinedLossTest {
  private static final Tensor X = Random.normal(Key.of(1), 16, 4);
  private static final Tensor Y = Random.normal(Key.of(2), 16, 2);
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static Net net() {
    return Net.of(Mlp.create(new int[] {4, 6, 2}, Activation.TANH, Key.of(3))).freeze()
        .lora(2, 4.0);
  }

  private static void assertConfined(Throwable t) {
    Throwable c = t;
    while (!(c instanceof IllegalStateException) && c.getCause() != null) {
      c = c.getCause();
    }
    assertTrue(c instanceof IllegalStateException
        && c.getMessage().contains("confined to the thread"), t.toString());
  }

  /** The mean squared error over four row blocks of the batch, each block's forward pass on fj. */
  private static Tensor chunkedLoss(Layer m, ForkJoinPool fj) {
    return fj.submit(() -> IntStream.range(0, 4).parallel()
        .mapToObj(i -> Losses.mse(m.apply(X.slice(0, 4 * i, 4 * i + 4)),
            Y.slice(0, 4 * i, 4 * i + 4)).times(0.25f))
        .reduce(Tensor::plus).orElseThrow()).join();
  }

  @Test
  void valueAndGradWithTheForwardPassOnAnExecutorThrows() {
    Net net = net();
    Throwable t = assertThrows(Exception.class, () -> net.valueAndGrad(
        m -> java.util.concurrent.CompletableFuture.supplyAsync(
            () -> Losses.mse(m.apply(X), Y), pool).join()));
    assertConfined(t);
  }

  @Test
  void trainerWithAParallelStreamOverTheBatchThrows() {
    ForkJoinPool fj = new ForkJoinPool(2);
    try {
      Throwable t = assertThrows(Exception.class, () -> Trainer.builder()
          .optimizer(Sgd.of(0.1)).progressBar(false).build()
          .fit(net(), List.of(0), (m, b) -> chunkedLoss(m, fj)));
      assertConfined(t);
    } finally {
      fj.shutdownNow();
    }
  }

  @Test
  void theSameLossOnTheCallingThreadGivesTheWholeBatchsGradient() {
    Net net = net();
    LossAndGrads chunked = net.valueAndGrad(m -> IntStream.range(0, 4)
        .mapToObj(i -> Losses.mse(m.apply(X.slice(0, 4 * i, 4 * i + 4)),
            Y.slice(0, 4 * i, 4 * i + 4)).times(0.25f))
        .reduce(Tensor::plus).orElseThrow());
    LossAndGrads whole = net.valueAndGrad(m -> Losses.mse(m.apply(X), Y));
    for (var e : whole.grads().entrySet()) {
      assertTrue(e.getValue().allClose(chunked.grads().get(e.getKey()), 1e-5, 1e-6),
          e.getKey().toString());
    }
  }

  @Test
  void otherThreadsMayRunTheNetForInferenceDuringATrace() throws Exception {
    Net net = net();
    Tensor expected = net.apply(X);
    LossAndGrads lg = net.valueAndGrad(m -> {
      try {
        assertEquals(expected, pool.submit(() -> net.apply(X)).get());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      return Losses.mse(m.apply(X), Y);
    });
    assertEquals(net.valueAndGrad(m -> Losses.mse(m.apply(X), Y)).grads(), lg.grads());
  }
}
