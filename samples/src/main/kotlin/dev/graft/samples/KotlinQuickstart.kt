package dev.graft.samples

import dev.graft.dsl.Net
import dev.graft.dsl.nn.Linear
import dev.graft.dsl.train.Batch
import dev.graft.dsl.train.Losses.mse
import dev.graft.dsl.tree.Layer
import dev.graft.dsl.tree.Tree
import dev.graft.kotlin.*
import dev.graft.runtime.Key
import dev.graft.runtime.Random
import dev.graft.runtime.Tensor
import java.util.Locale

/**
 * A residual block written in Kotlin: `y = x + proj(relu(fc(x))) * gate`. A `@JvmRecord data class`
 * is a Graft layer: its components are its children (`fc` and `proj` are declared as
 * [Layer], so an adapter may take their place; `gate` is a tensor leaf).
 */
@JvmRecord
data class Residual(val fc: Layer, val proj: Layer, val gate: Tensor) : Layer {
    override fun apply(x: Tensor): Tensor = x + proj(fc(x).relu()) * gate
}

/** Residual blocks, then a read-out layer. */
@JvmRecord
data class Encoder(val blocks: List<Layer>, val readout: Layer) : Layer {
    override fun apply(x: Tensor): Tensor = readout(blocks.fold(x) { h, block -> block(h) })
}

/**
 * The README's Kotlin example, written with `graft-kotlin`: a model of Kotlin records, a change made
 * with `Tree.at` and a lambda, LoRA on the blocks by name (`net.lora { … }`), training with
 * `net.fit(batches) { … }`, destructured results, and merging. Run it with
 * `mvn -B -q -pl samples -am compile exec:java -Dexec.mainClass=dev.graft.samples.KotlinQuickstart`.
 */
object KotlinQuickstart {
    private const val WIDTH = 16

    /** The model, built from seed 3. */
    fun model(): Encoder {
        val k = key(3).split(5)
        fun block(a: Key, b: Key) = Residual(Linear.create(WIDTH, 64, a), Linear.create(64, WIDTH, b), Tensor.ones(WIDTH))
        return Encoder(listOf(block(k[0], k[1]), block(k[2], k[3])), Linear.create(WIDTH, 1, k[4]))
    }

    /** Runs the example, printing to standard output; returns the trained net (adapters in place). */
    fun run(): Net {
        val (kx, kw) = key(4).split(2)
        val x = Random.normal(kx, 256, WIDTH)
        val y = -(x matmul Random.normal(kw, WIDTH, 1)).tanh()          // infix matmul, unary minus

        // Tree.at with a lambda: a copy whose first gate is halved; everything else is shared.
        val base = model()
        val model = Tree.at(base, { (it.blocks[0] as Residual).gate }, 0.5 * Tensor.ones(WIDTH))
        println("gate 0: ${(model.blocks[0] as Residual).gate[0].item()}, readout shared: ${model.readout === base.readout}")

        // Freeze everything, then graft LoRA onto the layers named fc and proj: the read-out stays as it is.
        val net = Net.of(model).freeze().lora { rank = 4; alpha = 8.0; target("fc", "proj") }
        println(net)
        println(net.adapters().keys)

        val (trained, history) = net.fit(Batch.split(x, y, 32)) {
            epochs = 30
            optimizer = adamW(1e-2)
            schedule = cosine(warmup = 40)
            loss { m, (bx, by) -> mse(m(bx), by) }
            onEpoch { (i, _, _, meanLoss) -> if ((i + 1) % 10 == 0) println("epoch %d: mean loss %.4f".format(Locale.ROOT, i + 1, meanLoss)) }
        }
        println("%d steps; mse %.4f -> %.4f".format(Locale.ROOT, history.steps(), mse(net(x), y).item(), mse(trained(x), y).item()))

        val (loss, grads) = trained.valueAndGrad { mse(it(x), y) }
        println("loss %.4f, %d gradients, largest |g| %.1e".format(Locale.ROOT, loss.item(), grads.size,
            grads.values.maxOf { it.abs().max().item() }))

        val merged = trained.merge()
        val firstThree = trained(x)[0 until 3]                                   // a range of rows
        println("first predictions %s (targets %s)".format(Locale.ROOT, firstThree.toArray().format(), y[0 until 3].toArray().format()))
        println("max |merged - adapted| = %.1e".format(Locale.ROOT, merged(x).maxAbsDiff(trained(x))))
        return trained
    }

    private fun FloatArray.format() = joinToString(", ", "[", "]") { "%.4f".format(Locale.ROOT, it) }

    /** Prints the example to standard output. */
    @JvmStatic
    fun main(args: Array<String>) {
        run()
    }
}
