package dev.graft.kotlin

import dev.graft.dsl.Net
import dev.graft.dsl.nn.Activation
import dev.graft.dsl.nn.Mlp
import dev.graft.dsl.optim.AdamW
import dev.graft.dsl.optim.Schedule
import dev.graft.dsl.optim.Sgd
import dev.graft.dsl.train.Batch
import dev.graft.dsl.train.Epoch
import dev.graft.dsl.train.LabeledBatch
import dev.graft.dsl.train.Losses
import dev.graft.dsl.train.TrainResult
import dev.graft.dsl.train.Trainer
import dev.graft.dsl.tree.Tree
import dev.graft.runtime.Key
import dev.graft.runtime.Random
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Files
import java.nio.file.Path

/** `net.fit(batches) { … }` runs the `Trainer` the Java builder describes: same net, same history. */
class FitScopeTest {
    private val x = Random.normal(Key.of(1), 40, 6)
    private val y = Random.normal(Key.of(2), 40, 3) * 0.5
    private val batches = Batch.split(x, y, 8)
    private val net = Net.of(Mlp.create(intArrayOf(6, 10, 3), Activation.TANH, Key.of(3))).freeze().lora(2, 4.0)

    private fun assertSameRun(expected: TrainResult<Net>, actual: TrainResult<Net>) {
        assertTrue(Tree.equals(expected.net().module(), actual.net().module()), "trained trees differ")
        assertEquals(expected.history().stepLosses(), actual.history().stepLosses())
        assertEquals(expected.history().learningRates(), actual.history().learningRates())
        assertEquals(expected.history().epochLosses(), actual.history().epochLosses())
        assertEquals(expected.history().name(), actual.history().name())
        assertEquals(expected.state().step(), actual.state().step())
    }

    @Test
    fun `options and the cosine plan reach the Trainer`() {
        val seen = mutableListOf<Epoch>()
        val kotlin = net.fit(batches) {
            epochs = 3
            optimizer = adamW(1e-2, weightDecay = 0.05)
            schedule = cosine(warmup = 4)
            clipNorm = 0.05
            seed = 9
            shuffle = true
            progressBar = false
            name = "k"
            loss { m, (bx, by) -> Losses.mse(m(bx), by) }
            evaluate { n -> mapOf("full" to Losses.mse(n.apply(x), y).item().toDouble()) }
            onEpoch { seen += it }
        }
        val java = Trainer.builder()
            .optimizer(AdamW.of(1e-2).withWeightDecay(0.05))
            .epochs(3)
            .schedule(Schedule.warmupCosine(1e-2, 4, 3L * batches.size))
            .clipNorm(0.05).seed(9).shuffle(true).progressBar(false).name("k")
            .evaluation { n -> mapOf("full" to Losses.mse(n.apply(x), y).item().toDouble()) }
            .build()
            .fit(net, batches) { m, b -> Losses.mse(m.apply(b.inputs()), b.targets()) }
        assertSameRun(java, kotlin)
        assertEquals(java.history().metric("full"), kotlin.history().metric("full"))
        assertEquals(kotlin.history().epochs(), seen)
        assertEquals(Schedule.warmupCosine(1e-2, 4, 15).toString(),
            FitScope(batches).apply { optimizer = adamW(1e-2); epochs = 3; schedule = cosine(warmup = 4) }.build().schedule().get().toString())
    }

    @Test
    fun `every option lands in the Trainer's field`(@TempDir dir: Path) {
        val opt = adamW(1e-2)
        val t = FitScope(batches).apply {
            optimizer = opt; epochs = 4; clipNorm = 0.5; seed = 3; shuffle = true; progressBar = true; name = "n"
            schedule = cosine(warmup = 2, peak = 0.1, finalLr = 0.01)
            plot(dir.resolve("p.png"), "title")
            evaluate { mapOf() }
            onEpoch { }
        }.build()
        assertEquals(opt, t.optimizer())
        assertEquals(4, t.epochs())
        assertEquals(0.5, t.clipNorm().asDouble)
        assertEquals(3L, t.seed())
        assertTrue(t.shuffle())
        assertTrue(t.progressBar())
        assertEquals("n", t.name())
        assertEquals(Schedule.warmupCosine(0.1, 2, 4L * batches.size, 0.01).toString(), t.schedule().get().toString())
        assertEquals(dir.resolve("p.png"), t.plotPath().get())
        assertEquals("title", t.plotTitle())
        assertTrue(t.evaluation().isPresent && t.onEpoch().isPresent)
        val bare = FitScope(batches).apply { optimizer = opt }.build()
        assertEquals(Trainer.builder().optimizer(opt).build(), bare)
    }

    @Test
    fun `default loss is mse for Batch and cross-entropy for LabeledBatch`() {
        val mse = net.fit(batches) { optimizer = sgd(0.1); epochs = 2; progressBar = false }
        val javaMse = Trainer.builder().optimizer(Sgd.of(0.1)).epochs(2).progressBar(false).build()
            .fit(net, batches) { m, b -> Losses.mse(m.apply(b.inputs()), b.targets()) }
        assertSameRun(javaMse, mse)

        val labels = IntArray(40) { it % 3 }
        val labeled = LabeledBatch.split(x, labels, 10)
        val ce = net.fit(labeled) { optimizer = adam(1e-2); progressBar = false }
        val javaCe = Trainer.builder().optimizer(dev.graft.dsl.optim.Adam.of(1e-2)).progressBar(false).build()
            .fit(net, labeled) { m, b -> Losses.softmaxCrossEntropy(m.apply(b.inputs()), b.labels()) }
        assertSameRun(javaCe, ce)
    }

    @Test
    fun `a ready schedule, a keyed loss and a plot`(@TempDir dir: Path) {
        val png = dir.resolve("loss.png")
        val kotlin = net.fit(batches) {
            optimizer = sgd(0.1, momentum = 0.9)
            schedule(Schedule.linearWarmup(0.2, 3))
            keyedLoss { m, b, k -> Losses.mse(m(b.inputs(), k), b.targets()) }
            progressBar = false
            plot(png, "t")
        }
        val java = Trainer.builder().optimizer(Sgd.of(0.1).withMomentum(0.9)).schedule(Schedule.linearWarmup(0.2, 3))
            .progressBar(false).build()
            .fit(net, batches) { m, b, k -> Losses.mse(m.apply(b.inputs(), k), b.targets()) }
        assertSameRun(java, kotlin)
        assertTrue(Files.size(png) > 0)
    }

    @Test
    fun `missing optimizer and an unknown batch type without a loss are refused`() {
        val noOpt = assertThrows(IllegalStateException::class.java) { net.fit(batches) { epochs = 1 } }
        assertTrue(noOpt.message!!.contains("set an optimizer"), noOpt.message)
        val tensors = listOf(x)
        val noLoss = assertThrows(IllegalStateException::class.java) { net.fit(tensors) { optimizer = sgd(0.1) } }
        assertTrue(noLoss.message!!.contains("no default loss for batches of type dev.graft.runtime.Tensor"), noLoss.message)
    }
}
