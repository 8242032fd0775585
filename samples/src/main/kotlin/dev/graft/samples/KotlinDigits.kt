package dev.graft.samples

import dev.graft.dsl.Net
import dev.graft.dsl.nn.Linear
import dev.graft.dsl.train.LabeledBatch
import dev.graft.dsl.train.Losses
import dev.graft.dsl.tree.Layer
import dev.graft.dsl.tree.Mask
import dev.graft.kotlin.*
import dev.graft.runtime.Tensor
import java.io.PrintStream
import java.util.Locale

/**
 * The digits network as a Kotlin record: a convolutional feature extractor (a [sequential] block),
 * a hidden fully connected layer and a classifier head. The shapes are those of [DigitsCnn]:
 * 8×8 → conv 4×4 stride 2 (16 channels, 4×4) → conv 3×3 (32 channels) → 512 → 64 → classes.
 */
@JvmRecord
data class DigitsNet(val features: Layer, val fc: Layer, val head: Layer) : Layer {
    override fun apply(x: Tensor): Tensor {
        val h = features(x)
        return head(fc(h.reshape(h.dim(0), -1)).relu())
    }

    /** Builds [DigitsNet]s. */
    companion object {
        /** A fresh network for `classes` classes from `seed`. */
        fun create(classes: Int, seed: Int): DigitsNet {
            val (kf, kh, kc) = key(seed).split(3)
            val features = sequential(kf) {
                conv2d(1, 16, kernel = 4, stride = 2, padding = 1); relu()
                conv2d(16, 32, kernel = 3, padding = 1); relu()
            }
            return DigitsNet(features, Linear.create(32 * 4 * 4, 64, kh), Linear.create(64, classes, kc))
        }
    }
}

/**
 * The shoot-out's core in Kotlin: pretrain [DigitsNet] on digits 0–4, give it a fresh head for
 * digits 5–9, and adapt a copy per adapter with the same budget (AdamW, warm-up + cosine, shuffled
 * batches of 32), measuring held-out accuracy and checking the merge. Run it with
 * `mvn -B -q -pl samples -am compile exec:java -Dexec.mainClass=dev.graft.samples.KotlinDigits`.
 */
object KotlinDigits {
    /**
     * One adapter's outcome.
     *
     * @property adapter the zoo method
     * @property trainable the trainable parameters (adapters and the new head)
     * @property before held-out accuracy with the fresh head
     * @property after held-out accuracy after adapting
     * @property mergeGap the largest |merged − adapted| logit difference
     */
    data class Outcome(val adapter: Adapter, val trainable: Long, val before: Double, val after: Double, val mergeGap: Double)

    /** What a run produced: the pretrained accuracy on digits 0–4 and one outcome per adapter. */
    data class Report(val pretrainAccuracy: Double, val outcomes: List<Outcome>)

    /**
     * `base` ready to adapt with `method`: every leaf frozen, every layer but the head wrapped at
     * rank 4, alpha 8, then the new head unfrozen.
     */
    fun prepare(base: DigitsNet, method: Adapter): Net = Net.of(base).freeze()
        .mask(Mask.of("head").not())
        .lora { rank = 4; alpha = 8.0; adapters(method) }
        .unfreeze(Mask.of("head"))

    /** Runs with `epochs` per phase over `adapters`, printing to `out`. */
    fun run(
        epochs: Int = 12,
        adapters: List<Adapter> = listOf(Adapter.LoRA, Adapter.DoRA, Adapter.LoKr, Adapter.IA3),
        out: PrintStream = System.out,
    ): Report {
        val digits = Digits.load()
        val source = digits.classes(0, 4).split(0.3, 0)
        val target = digits.classes(5, 9).split(0.3, 1)

        fun Net.train(data: Digits) = fit(LabeledBatch.split(data.images(), data.labels(), 32)) {
            this.epochs = epochs
            optimizer = adamW(3e-3)
            schedule = cosine(warmup = epochs * 2)   // a tenth of the run: 20 batches an epoch
            shuffle = true
            progressBar = false
        }
        fun Layer.accuracy(data: Digits) = Losses.accuracy(this(data.images()), data.labels()).toDouble()

        val (pretrained, history) = Net.of(DigitsNet.create(5, seed = 0)).train(source.train())
        val pretrainAccuracy = pretrained.module().accuracy(source.test())
        out.println("pretrained %d epochs (loss %.3f -> %.3f): digits 0-4 test accuracy %.1f%%"
            .format(Locale.ROOT, epochs, history.firstLoss(), history.lastLoss(), 100 * pretrainAccuracy))

        // A Kotlin data class copy swaps the head; the backbone is shared.
        val base = (pretrained.module() as DigitsNet).copy(head = Linear.create(64, 5, key(1)))
        out.println("%-8s %9s %8s %8s %10s".format(Locale.ROOT, "adapter", "trainable", "before", "after", "merge gap"))
        val outcomes = adapters.map { method ->
            val net = prepare(base, method)
            val before = net.module().accuracy(target.test())
            val (trained) = net.train(target.train())
            val x = target.test().images()
            val outcome = Outcome(method, net.trainableCount(), before, trained.module().accuracy(target.test()),
                trained.merge()(x).maxAbsDiff(trained(x)).toDouble())
            out.println("%-8s %,9d %7.1f%% %7.1f%% %10.1e".format(Locale.ROOT, method, outcome.trainable,
                100 * outcome.before, 100 * outcome.after, outcome.mergeGap))
            outcome
        }
        return Report(pretrainAccuracy, outcomes)
    }

    /** Runs with the defaults, printing to standard output. */
    @JvmStatic
    fun main(args: Array<String>) {
        run()
    }
}
