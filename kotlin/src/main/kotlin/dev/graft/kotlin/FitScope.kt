package dev.graft.kotlin

import dev.graft.dsl.tree.Layer
import dev.graft.dsl.Net
import dev.graft.dsl.optim.Optimizer
import dev.graft.dsl.optim.Schedule
import dev.graft.dsl.optim.Sgd
import dev.graft.dsl.train.Batch
import dev.graft.dsl.train.Epoch
import dev.graft.dsl.train.LabeledBatch
import dev.graft.dsl.train.Losses
import dev.graft.dsl.train.TrainLoss
import dev.graft.dsl.train.TrainResult
import dev.graft.dsl.train.Trainer
import dev.graft.runtime.Key
import dev.graft.runtime.Tensor

/**
 * The body of `net.fit(batches) { … }`: the options of one [Trainer] run. Every option starts at
 * the `Trainer` default; only [optimizer] is required. [build] hands them to `Trainer.builder()`,
 * and the run itself is `Trainer.fit`.
 *
 * ```kotlin
 * val (trained, history) = net.fit(batches) {
 *     epochs = 3
 *     optimizer = adamW(1e-3)
 *     schedule = cosine(warmup = 50)
 *     loss { model, (x, y) -> Losses.mse(model(x), y) }
 *     onEpoch { println(it) }
 * }
 * ```
 *
 * Without a [loss], a list of [Batch]es trains on [Losses.mse] of the model's output and the
 * targets, and a list of [LabeledBatch]es on [Losses.softmaxCrossEntropy] of the logits and the
 * labels; any other batch type needs a [loss].
 *
 * @param B the batch type
 */
@GraftDsl
class FitScope<B : Any> internal constructor(private val batches: List<B>) {
    /** The optimizer (required): `adamW(1e-3)`, `sgd(0.1, momentum = 0.9)`, or any [Optimizer]. */
    var optimizer: Optimizer? = null

    /** Passes over the batches, [Trainer.epochs]. */
    var epochs: Int = DEFAULTS.epochs()

    /**
     * The learning-rate schedule, resolved against the optimizer's rate and the run's length:
     * `cosine(warmup = 50)`, `linearWarmup(10)`. A ready Java [Schedule]: [schedule]`(s)`.
     */
    var schedule: SchedulePlan? = null

    /** A global-norm gradient clip replacing the optimizer's, [Trainer.clipNorm]. */
    var clipNorm: Double? = null

    /** Seeds the per-step keys and the shuffling, [Trainer.seed]. */
    var seed: Long = DEFAULTS.seed()

    /** Whether each epoch visits the batches in a fresh seeded order, [Trainer.shuffle]. */
    var shuffle: Boolean = DEFAULTS.shuffle()

    /** Whether to draw a progress bar; `null` keeps the Java default (only on a console). */
    var progressBar: Boolean? = null

    /** The run's name (progress bar label, history name), [Trainer.name]. */
    var name: String = DEFAULTS.name()

    private var loss: TrainLoss<B>? = null
    private var evaluation: ((Layer) -> Map<String, Double>)? = null
    private var epochListener: ((Epoch) -> Unit)? = null
    private var plotPath: java.nio.file.Path? = null
    private var plotTitle: String? = null

    /** Uses a ready Java schedule as it is (its own peak and length). */
    fun schedule(schedule: Schedule) {
        this.schedule = SchedulePlan { _, _ -> schedule }
    }

    /** The scalar loss of the model on one batch: `loss { model, batch -> … }`. */
    fun loss(loss: (model: Layer, batch: B) -> Tensor) {
        this.loss = TrainLoss { m, b, _ -> loss(m, b) }
    }

    /**
     * A loss that draws randomness (dropout) from the step's key, [TrainLoss]:
     * `keyedLoss { model, batch, key -> Losses.mse(model(batch.inputs(), key), batch.targets()) }`.
     */
    fun keyedLoss(loss: (model: Layer, batch: B, key: Key) -> Tensor) {
        this.loss = TrainLoss { m, b, k -> loss(m, b, k) }
    }

    /**
     * Named metrics of the model tree measured after each epoch ([Trainer.evaluation]), e.g.
     * `evaluate { m -> mapOf("val" to Losses.mse(m.apply(x), y).item().toDouble()) }`; they land in
     * [Epoch.metrics].
     */
    fun evaluate(evaluation: (Layer) -> Map<String, Double>) {
        this.evaluation = evaluation
    }

    /** Called with each finished epoch's summary (after its evaluation), [Trainer.onEpoch]. */
    fun onEpoch(listener: (Epoch) -> Unit) {
        this.epochListener = listener
    }

    /**
     * Writes a PNG of the loss curve to `path` at the end, [Trainer.plotPath]. Needs XChart
     * (`org.knowm.xchart:xchart`, an optional dependency of graft-dsl) on the class path.
     */
    fun plot(path: java.nio.file.Path, title: String? = null) {
        plotPath = path
        plotTitle = title
    }

    /** The [Trainer] these options describe (checked by `Trainer.builder()`). */
    fun build(): Trainer {
        val opt = checkNotNull(optimizer) { "fit: set an optimizer, e.g. optimizer = adamW(1e-3)" }
        val b = Trainer.builder().optimizer(opt).epochs(epochs).seed(seed).shuffle(shuffle).name(name)
        schedule?.let { b.schedule(it.resolve(opt.schedule().at(0L), epochs.toLong() * batches.size)) }
        clipNorm?.let { b.clipNorm(it) }
        progressBar?.let { b.progressBar(it) }
        evaluation?.let { e -> b.evaluation { model -> e(model) } }
        epochListener?.let { l -> b.onEpoch { epoch -> l(epoch) } }
        plotPath?.let { b.plotPath(it) }
        plotTitle?.let { b.plotTitle(it) }
        return b.build()
    }

    internal fun lossOrDefault(): TrainLoss<B> = loss ?: defaultLoss()

    @Suppress("UNCHECKED_CAST")
    private fun defaultLoss(): TrainLoss<B> = when (batches.firstOrNull()) {
        is Batch -> TrainLoss<Batch> { m, b, _ -> Losses.mse(m.apply(b.inputs()), b.targets()) } as TrainLoss<B>
        is LabeledBatch ->
            TrainLoss<LabeledBatch> { m, b, _ -> Losses.softmaxCrossEntropy(m.apply(b.inputs()), b.labels()) }
                as TrainLoss<B>
        null -> TrainLoss { _, _, _ -> throw IllegalStateException("fit: no batches") }
        else -> throw IllegalStateException(
            "fit: no default loss for batches of type ${batches.first()::class.qualifiedName}; " +
                "set one with loss { model, batch -> ... }",
        )
    }

    private companion object {
        val DEFAULTS: Trainer = Trainer.builder().optimizer(Sgd.of(0.0)).build()
    }
}

/**
 * Trains this net on `batches` with the options `block` sets: a [Trainer] run
 * (`Trainer.fit(net, batches, loss)`). Returns the trained net, its history and the optimizer
 * state, destructurable: `val (trained, history) = net.fit(batches) { … }`.
 */
fun <B : Any> Net.fit(batches: List<B>, block: FitScope<B>.() -> Unit): TrainResult<Net> {
    val scope = FitScope(batches).apply(block)
    return scope.build().fit(this, batches, scope.lossOrDefault())
}
