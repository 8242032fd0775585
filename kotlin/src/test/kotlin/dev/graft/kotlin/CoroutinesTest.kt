package dev.graft.kotlin

import dev.graft.dsl.Net
import dev.graft.dsl.train.LossAndGrads
import dev.graft.dsl.train.Losses
import dev.graft.runtime.Key
import dev.graft.runtime.Random
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Test

/**
 * Gradients and coroutines. A gradient trace lives on the thread that called `valueAndGrad`, so
 * the forward pass must run on that thread. The safe pattern, which [`the whole valueAndGrad in
 * one coroutine context is right`] checks: switch context *around* the `valueAndGrad` call, never
 * inside its loss. Switching inside the loss must give the right gradients or throw — never
 * silently wrong ones; [`a forward moved to another dispatcher gives the right gradients or
 * throws`] checks that.
 */
class CoroutinesTest {
    private val x = Random.normal(Key.of(1), 16, 4)
    private val y = Random.normal(Key.of(2), 16, 1)
    private val net = Net.of(sequential(Key.of(3)) { linear(4, 8); tanh(); linear(8, 1) }).freeze().lora { rank = 2 }

    /** Nudged so the LoRA B factors are non-zero and every trainable leaf gets a non-zero gradient. */
    private val trained = net.fit(listOf(dev.graft.dsl.train.Batch(x, y))) { optimizer = adamW(1e-1); epochs = 2; progressBar = false }.net()

    private fun reference(): LossAndGrads = trained.valueAndGrad { Losses.mse(it(x), y) }

    private fun assertSameGradients(expected: LossAndGrads, actual: LossAndGrads) {
        assertEquals(expected.value(), actual.value())
        assertEquals(expected.grads().keys, actual.grads().keys)
        for ((path, g) in expected.grads()) {
            val a = actual.grads().getValue(path)
            assertTrue(g.allClose(a, 1e-6, 1e-7), "gradient of $path: expected $g, got $a")
        }
    }

    /**
     * The tracer's thread guard: a traced tensor used on another thread fails loudly. Without it
     * the forward would run untraced on a `Dispatchers.Default` thread and every gradient would
     * come back zero with a correct loss.
     */
    @Test
    fun `a forward moved to another dispatcher gives the right gradients or throws`() {
        val expected = reference()
        assertTrue(expected.grads().values.all { it.abs().max().item() > 0f }, "the reference must have non-zero gradients")
        val outcome = runCatching {
            trained.valueAndGrad { m -> runBlocking { withContext(Dispatchers.Default) { Losses.mse(m(x), y) } } }
        }
        outcome.fold(
            onSuccess = { assertSameGradients(expected, it) },
            onFailure = { e ->
                if (e !is RuntimeException || e.message.isNullOrBlank()) fail<Unit>("expected a RuntimeException with a message, got $e", e)
            },
        )
    }

    @Test
    fun `the whole valueAndGrad in one coroutine context is right`() {
        val expected = reference()
        val onDefault = runBlocking { withContext(Dispatchers.Default) { trained.valueAndGrad { Losses.mse(it(x), y) } } }
        assertSameGradients(expected, onDefault)
    }

    @Test
    fun `concurrent valueAndGrad calls, each inside one coroutine, are each right`() {
        val batches = (0 until 4).map { i -> x[i * 4 until i * 4 + 4] to y[i * 4 until i * 4 + 4] }
        val sequential = batches.map { (bx, by) -> trained.valueAndGrad { Losses.mse(it(bx), by) } }
        val concurrent = runBlocking {
            batches.map { (bx, by) -> async(Dispatchers.Default) { trained.valueAndGrad { Losses.mse(it(bx), by) } } }.awaitAll()
        }
        sequential.zip(concurrent).forEach { (s, c) -> assertSameGradients(s, c) }
    }

    @Test
    fun `inputs prepared on another dispatcher, loss on the calling thread, is right`() {
        val expected = reference()
        val actual = runBlocking {
            val features = withContext(Dispatchers.Default) { x * 1 } // any work that touches no traced tensor
            trained.valueAndGrad { Losses.mse(it(features), y) }
        }
        assertSameGradients(expected, actual)
    }
}
