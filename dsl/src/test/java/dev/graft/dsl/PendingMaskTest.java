package dev.graft.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.nn.Activation;
import dev.graft.dsl.nn.Mlp;
import dev.graft.dsl.tree.Mask;
import dev.graft.runtime.Key;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The selection {@link Net#mask} sets for the next {@code lora} is visible state: readable, shown
 * by {@code toString} and {@code summary}, consumed by {@code lora}, and never dropped silently.
 */
class PendingMaskTest {
  private static final Mask FIRST = Mask.regex("layers/0/.*");

  private static Net frozen() {
    return Net.of(Mlp.create(new int[] {4, 3, 2}, Activation.RELU, Key.of(3))).freeze();
  }

  @Test
  void aPendingMaskIsReadableAndShown() {
    Net net = frozen().mask(FIRST);
    assertEquals(Optional.of(FIRST), net.pendingMask());
    assertTrue(net.toString().contains("pending mask " + FIRST), net::toString);
    assertTrue(net.summary().contains("pending mask for the next lora: " + FIRST),
        net::summary);
    assertEquals(Optional.empty(), frozen().pendingMask());
    assertFalse(frozen().toString().contains("pending"));
    assertFalse(frozen().summary().contains("pending"));
  }

  @Test
  void loraConsumesThePendingMaskAndActsOnlyWithinIt() {
    Net net = frozen().mask(FIRST).lora(1, 2.0);
    assertEquals(Optional.empty(), net.pendingMask());
    assertEquals(1, net.adapters().size());
    assertEquals("layers/0", net.adapters().keySet().iterator().next().toString());
  }

  @Test
  void aSecondMaskWouldDropTheFirstAndIsRefused() {
    Net pending = frozen().mask(FIRST);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> pending.mask(Mask.regex("layers/1/.*")));
    assertTrue(e.getMessage().contains(FIRST.toString()), e::getMessage);
    assertTrue(e.getMessage().contains("clearMask()"), e::getMessage);
    Net both = pending.clearMask().mask(Mask.regex("layers/1/.*"));
    assertEquals("layers/1", both.lora(1, 2.0).adapters().keySet().iterator().next().toString());
  }

  @Test
  void clearMaskLetsTheNextLoraActEverywhere() {
    Net net = frozen().mask(FIRST).clearMask();
    assertEquals(Optional.empty(), net.pendingMask());
    assertEquals(2, net.lora(1, 2.0).adapters().size());
  }

  @Test
  void trainableFractionIsTheShareThatTrainsAndTheOldNameAgrees() {
    Net net = frozen().lora(1, 2.0);
    double expected = (double) net.trainableCount() / net.totalCount();
    assertEquals(expected, net.trainableFraction());
    assertTrue(expected > 0 && expected < 1);
    @SuppressWarnings("deprecation")
    double old = net.compressionRatio();
    assertEquals(expected, old);
    assertEquals(0.0, frozen().trainableFraction());
  }
}
