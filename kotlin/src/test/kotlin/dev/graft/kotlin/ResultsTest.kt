package dev.graft.kotlin

import dev.graft.dsl.Net
import dev.graft.dsl.optim.Schedule
import dev.graft.dsl.train.Batch
import dev.graft.dsl.train.LabeledBatch
import dev.graft.dsl.train.Losses
import dev.graft.runtime.Key
import dev.graft.runtime.Random
import dev.graft.runtime.Tensor
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Test

/** Results, histories, epochs and batches destructure into their record components; the small helpers delegate. */
class ResultsTest {
    private val x = Random.normal(Key.of(1), 12, 3)
    private val y = Random.normal(Key.of(2), 12, 1)
    private val net = Net.of(sequential { linear(3, 4); tanh(); linear(4, 1) }).freeze().lora { rank = 2 }

    @Test
    fun `valueAndGrad destructures into loss and grads`() {
        val lg = net.valueAndGrad { Losses.mse(it(x), y) }
        val (loss, grads) = lg
        assertSame(lg.value(), loss)
        assertSame(lg.grads(), grads)
        assertEquals(net.trainablePaths(), grads.keys.toList())
    }

    @Test
    fun `training result, history and epochs destructure`() {
        val result = net.fit(Batch.split(x, y, 4)) { optimizer = adamW(1e-2); epochs = 2; progressBar = false }
        val (trained, history, state) = result
        assertSame(result.net(), trained)
        assertSame(result.history(), history)
        assertSame(result.state(), state)
        val (name, losses, rates, epochs) = history
        assertEquals("train", name)
        assertEquals(6, losses.size)
        assertEquals(history.learningRates(), rates)
        val (index, steps, samples, meanLoss, seconds, metrics) = epochs[1]
        assertEquals(1, index)
        assertEquals(3, steps)
        assertEquals(12L, samples)
        assertEquals(losses.subList(3, 6).average(), meanLoss, 1e-12)
        assertEquals(epochs[1].seconds(), seconds)
        assertEquals(emptyMap<String, Double>(), metrics)
    }

    @Test
    fun `batches destructure in a for loop`() {
        for ((i, pair) in Batch.split(x, y, 5).withIndex()) {
            val (bx, by) = pair
            assertEquals(x[i * 5 until i * 5 + 5], bx)
            assertEquals(y[i * 5 until i * 5 + 5], by)
        }
        val (lx, labels) = LabeledBatch.split(x, IntArray(12) { it % 2 }, 12)[0]
        assertEquals(x, lx)
        assertArrayEquals(IntArray(12) { it % 2 }, labels)
    }

    @Test
    fun `Int overloads of the Long parameters delegate`() {
        val seed: Int = 17
        assertEquals(Key.of(17L), key(seed))
        assertEquals(Key.of(17L), key(17L))
        val step: Int = 3
        val s = Schedule.warmupCosine(1.0, 2, 10)
        assertEquals(s.at(3L), s.at(step))
    }

    @Test
    fun `GraftModule is dev graft dsl Module`() {
        val m: GraftModule = sequential { relu() }
        val asJava: dev.graft.dsl.tree.Layer = m
        assertEquals(Tensor.zeros(2), asJava(Tensor.of(floatArrayOf(-1f, -2f), 2)))
    }
}
