package dev.graft.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.Tensor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Work of the differentiated function done on another thread either fails loudly or gives the
 * right gradient, never a silently wrong one: a primitive applied off the tracing thread to a
 * tensor the trace follows throws an {@link IllegalStateException}.
 */
class TraceThreadConfinementTest {
  private final Tensor x = Tensor.of(new float[] {1, -2, 3, 0.5f}, 4);
  private final Tensor w = Tensor.of(new float[] {0.5f, 2, -1, 1.5f}, 4);
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** {@code sum_i sum(p * w * i)} for i = 0..15: gradient {@code 120 w}. */
  private Tensor term(Tensor p, int i) {
    return p.times(w).times((float) i).sum();
  }

  private static IllegalStateException confined(Throwable t) {
    Throwable c = t;
    while (!(c instanceof IllegalStateException) && c.getCause() != null) {
      c = c.getCause();
    }
    IllegalStateException e = assertInstanceOf(IllegalStateException.class, c, t.toString());
    assertTrue(e.getMessage().contains("confined to the thread"), e.getMessage());
    return e;
  }

  @Test
  void aForwardPassOnAnExecutorThreadThrows() {
    Throwable t = assertThrows(Exception.class, () -> Grad.grad(p -> {
      try {
        return pool.submit(() -> term(p.get(0), 1)).get();
      } catch (InterruptedException | ExecutionException e) {
        throw new CompletionException(e);
      }
    }, List.of(x)));
    IllegalStateException e = confined(t);
    assertTrue(e.getMessage().contains("(4,)") && e.getMessage().contains("MUL"),
        e.getMessage());
  }

  @Test
  void partOfTheLossOnAnotherThreadThrows() {
    // The first half runs here; the second consumes a traced intermediate on another thread.
    Throwable t = assertThrows(Exception.class, () -> Grad.grad(p -> {
      Tensor h = p.get(0).tanh();
      Tensor here = h.times(w).sum();
      Tensor there = CompletableFuture.supplyAsync(() -> h.square().sum(), pool).join();
      return here.plus(there);
    }, List.of(x)));
    confined(t);
  }

  @Test
  void aParallelStreamInTheLossThrowsOrIsRight() {
    Function<List<Tensor>, Tensor> loss = p -> IntStream.range(0, 16).parallel()
        .mapToObj(i -> term(p.get(0), i)).reduce(Tensor::plus).orElseThrow();
    AtomicReference<List<Tensor>> grads = new AtomicReference<>();
    try {
      grads.set(Grad.grad(loss, List.of(x)));
    } catch (IllegalStateException e) {
      confined(e);
      return;
    }
    // Only if the calling thread happened to do every element itself.
    assertTrue(grads.get().get(0).allClose(w.times(120f), 1e-5, 0), grads.get().toString());
  }

  @Test
  void aParallelStreamOnAnotherPoolAlwaysThrows() {
    ForkJoinPool fj = new ForkJoinPool(2);
    try {
      Throwable t = assertThrows(Exception.class, () -> Grad.grad(p -> fj.submit(
          () -> IntStream.range(0, 16).parallel().mapToObj(i -> term(p.get(0), i))
              .reduce(Tensor::plus).orElseThrow()).join(), List.of(x)));
      confined(t);
    } finally {
      fj.shutdownNow();
    }
  }

  @Test
  void theCallersOwnTensorsStayFreeForOtherThreadsDuringATrace() {
    // Another thread computing with x (the caller's tensor, not the trace's stand-in) is fine.
    List<Tensor> g = Grad.grad(p -> {
      Tensor other = CompletableFuture.supplyAsync(() -> x.times(w).sum(), pool).join();
      assertEquals(x.times(w).sum(), other);
      return p.get(0).times(w).sum();
    }, List.of(x));
    assertEquals(w, g.get(0));
  }

  @Test
  void tensorsFromAFinishedTraceCanBeUsedAnywhere() throws Exception {
    AtomicReference<Tensor> leaked = new AtomicReference<>();
    Grad.grad(p -> {
      Tensor h = p.get(0).exp();
      leaked.set(h);
      return h.sum();
    }, List.of(x));
    assertEquals(x.exp().times(2f), pool.submit(() -> leaked.get().times(2f)).get());
    // Also after a function that threw.
    assertThrows(ArithmeticException.class, () -> Grad.grad(p -> {
      leaked.set(p.get(0).square());
      throw new ArithmeticException("boom");
    }, List.of(x)));
    assertEquals(x.square(), pool.submit(() -> leaked.get().plus(0f)).get());
  }

  @Test
  void eachThreadMayRunItsOwnTraceOverSharedTensors() throws Exception {
    var futures = IntStream.range(0, 4).mapToObj(i -> pool.submit(
        () -> Grad.grad(p -> term(p.get(0), i + 1), List.of(x)).get(0))).toList();
    for (int i = 0; i < 4; i++) {
      assertEquals(w.times((float) (i + 1)), futures.get(i).get());
    }
  }
}
