package dev.graft.samples

// dev.graft.dsl.Module clashes with java.lang.Module, which Kotlin imports by default: import it by name.
import dev.graft.dsl.Module
import dev.graft.dsl.Net
import dev.graft.dsl.nn.Linear
import dev.graft.dsl.optim.AdamW
import dev.graft.dsl.train.Batch
import dev.graft.dsl.train.Losses
import dev.graft.dsl.tree.Mask
import dev.graft.dsl.tree.Tree
import dev.graft.runtime.Key
import dev.graft.runtime.Random
import dev.graft.runtime.Tensor
import java.util.Locale

/**
 * A residual block written in Kotlin: `y = x + proj(relu(fc(x))) * gate`. A `@JvmRecord data class`
 * is a Graft module: its components are its children (`fc` and `proj` are declared as [Module], so an
 * adapter may take their place; `gate` is a tensor leaf).
 */
@JvmRecord
data class Residual(val fc: Module, val proj: Module, val gate: Tensor) : Module {
    override fun apply(x: Tensor): Tensor = x + proj(fc(x).relu()) * gate
}

/** Residual blocks, then a read-out layer. */
@JvmRecord
data class Encoder(val blocks: List<Module>, val readout: Module) : Module {
    override fun apply(x: Tensor): Tensor = readout(blocks.fold(x) { h, block -> block(h) })
}

/**
 * The README's Kotlin example: a model of Kotlin records, a change made with `Tree.at` and a lambda,
 * LoRA on the blocks only (`freeze().mask(...).lora(...)`), training, and merging. Run it with
 * `mvn -B -q -pl samples -am test-compile exec:java -Dexec.mainClass=dev.graft.samples.KotlinQuickstart`.
 */
object KotlinQuickstart {
    private const val WIDTH = 16

    /** The model, built from seed 3. */
    fun model(): Encoder {
        val k = Key.of(3).split(5)
        fun block(a: Key, b: Key) = Residual(Linear.create(WIDTH, 64, a), Linear.create(64, WIDTH, b), Tensor.ones(WIDTH))
        return Encoder(listOf(block(k[0], k[1]), block(k[2], k[3])), Linear.create(WIDTH, 1, k[4]))
    }

    /** Runs the example, printing to standard output; returns the trained net (adapters in place). */
    fun run(): Net {
        val k = Key.of(4).split(2)
        val x = Random.normal(k[0], 256, WIDTH)
        val y = -(x.matmul(Random.normal(k[1], WIDTH, 1))).tanh()         // unary minus

        // Tree.at with a lambda: a copy whose first gate is halved; everything else is shared.
        val base = model()
        val model = Tree.at(base, { (it.blocks[0] as Residual).gate }, Tensor.full(0.5f, WIDTH))
        println("gate 0: ${(model.blocks[0] as Residual).gate[0].item()}, readout shared: ${model.readout === base.readout}")

        // Freeze everything, pick the blocks with a mask, graft LoRA there: the read-out stays as it is.
        val net = Net.of(model).freeze().mask(Mask.regex("blocks/.*")).lora(4, 8.0)
        println(net)
        println(net.adapters().keys)

        val trained = net.fit(Batch.split(x, y, 32), { m, b -> Losses.mse(m(b.inputs()), b.targets()) }, AdamW.of(1e-2), 30)
        println(String.format(Locale.ROOT, "mse %.4f -> %.4f", Losses.mse(net(x), y).item(), Losses.mse(trained(x), y).item()))

        val merged = trained.merge()
        val row = trained(x)[0]                                            // t[i]: the first prediction
        println(String.format(Locale.ROOT, "first prediction %.4f (target %.4f), merged %.4f",
            row.item(), y[0].item(), merged(x)[0].item()))
        println(String.format(Locale.ROOT, "max |merged - adapted| = %.1e", merged(x).maxAbsDiff(trained(x))))
        return trained
    }

    /** Prints the example to standard output. */
    @JvmStatic
    fun main(args: Array<String>) {
        run()
    }
}
