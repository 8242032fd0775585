package dev.graft.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.runtime.Dispatch;
import dev.graft.runtime.Tensor;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A trace is confined to its thread and its call: it leaves nothing behind, not even memory. */
class TraceIsolationTest {
  private final Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);

  @Test
  void aTraceThatThrowsLeavesNothingInstalled() {
    assertSame(Dispatch.eager(), Dispatch.current());
    RuntimeException boom = new IllegalStateException("boom");
    RuntimeException e = assertThrows(IllegalStateException.class, () -> Grad.grad(p -> {
      p.get(0).exp();
      throw boom;
    }, List.of(x)));
    assertSame(boom, e);
    assertSame(Dispatch.eager(), Dispatch.current());
    assertThrows(IllegalArgumentException.class, () -> Grad.grad(p -> p.get(0), List.of(x)));
    assertSame(Dispatch.eager(), Dispatch.current());
    assertEquals(Tensor.of(new float[] {2, 4, 6}, 3), x.times(2f));
  }

  @Test
  void otherThreadsRunEagerlyAndTraceOnTheirOwn() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<List<Tensor>> traced = pool.submit(() -> Grad.grad(p -> {
        Tensor y = p.get(0).square();
        inside.countDown();
        await(release);
        return y.sum();
      }, List.of(x)));
      assertTrue(inside.await(10, TimeUnit.SECONDS));
      // While the first thread is mid-trace, this thread and another are unaffected.
      assertSame(Dispatch.eager(), Dispatch.current());
      AtomicReference<Object> other = new AtomicReference<>();
      pool.submit(() -> {
        other.set(Dispatch.current());
        return null;
      }).get(10, TimeUnit.SECONDS);
      assertSame(Dispatch.eager(), other.get());
      Tensor mine = Grad.grad(p -> p.get(0).exp().sum(), List.of(x)).get(0);
      assertTrue(mine.allClose(x.exp(), 1e-6, 0));
      release.countDown();
      assertEquals(x.times(2f), traced.get(10, TimeUnit.SECONDS).get(0));
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void valueAndGradReleasesTheForwardValuesItsRulesKept() {
    AtomicReference<WeakReference<Tensor>> intermediate = new AtomicReference<>();
    ValueAndGrad vg = Grad.valueAndGrad(p -> {
      Tensor e = p.get(0).times(1.5f).exp(); // EXP's rule keeps its output
      intermediate.set(new WeakReference<>(e));
      return e.sum();
    }, List.of(x));
    assertTrue(vg.grads().get(0).allClose(x.times(1.5f).exp().times(1.5f), 1e-5, 0));
    for (int i = 0; i < 20 && intermediate.get().get() != null; i++) {
      System.gc();
    }
    assertNull(intermediate.get().get(), "the tape still holds a forward value after backward");
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
