@file:JvmName("Results")

package dev.graft.kotlin

import dev.graft.dsl.Net
import dev.graft.dsl.optim.OptState
import dev.graft.dsl.train.Batch
import dev.graft.dsl.train.Epoch
import dev.graft.dsl.train.History
import dev.graft.dsl.train.LabeledBatch
import dev.graft.dsl.train.LossAndGrads
import dev.graft.dsl.train.TrainResult
import dev.graft.dsl.tree.Path
import dev.graft.dsl.tree.Trainable
import dev.graft.runtime.Tensor

// Kotlin destructures only classes with componentN functions; Java records have none. These
// extensions give the results and batches of the Java API their components in record order.

/** `val (loss, grads) = net.valueAndGrad { … }`: the loss, [LossAndGrads.value]. */
operator fun LossAndGrads.component1(): Tensor = value()

/** `val (loss, grads) = net.valueAndGrad { … }`: the gradients by path, [LossAndGrads.grads]. */
operator fun LossAndGrads.component2(): Map<Path, Tensor> = grads()

/** `val (trained, history, state) = net.fit(data) { … }`: the trained net, [TrainResult.net]. */
operator fun <T : Trainable<T>> TrainResult<T>.component1(): T = net()

/** The run's [History], [TrainResult.history]. */
operator fun TrainResult<*>.component2(): History = history()

/** The optimizer state to resume from, [TrainResult.state]. */
operator fun TrainResult<*>.component3(): OptState = state()

/** `val (name, losses, rates, epochs) = history`: the run's name, [History.name]. */
operator fun History.component1(): String = name()

/** The loss of every step, [History.stepLosses]. */
operator fun History.component2(): List<Double> = stepLosses()

/** The learning rate of every step, [History.learningRates]. */
operator fun History.component3(): List<Double> = learningRates()

/** One summary per epoch, [History.epochs]. */
operator fun History.component4(): List<Epoch> = epochs()

/** `val (index, steps, samples, meanLoss) = epoch`: the epoch's number from 0, [Epoch.index]. */
operator fun Epoch.component1(): Int = index()

/** The optimizer steps taken, [Epoch.steps]. */
operator fun Epoch.component2(): Int = steps()

/** The samples seen (0 when the batch type does not tell), [Epoch.samples]. */
operator fun Epoch.component3(): Long = samples()

/** The mean step loss, [Epoch.meanLoss]. */
operator fun Epoch.component4(): Double = meanLoss()

/** The wall time in seconds, [Epoch.seconds]. */
operator fun Epoch.component5(): Double = seconds()

/** The evaluation's metrics, [Epoch.metrics]. */
operator fun Epoch.component6(): Map<String, Double> = metrics()

/** `for ((x, y) in batches)`: the inputs, [Batch.inputs]. */
operator fun Batch.component1(): Tensor = inputs()

/** The targets, [Batch.targets]. */
operator fun Batch.component2(): Tensor = targets()

/** `for ((x, labels) in batches)`: the inputs, [LabeledBatch.inputs]. */
operator fun LabeledBatch.component1(): Tensor = inputs()

/** The labels (a copy), [LabeledBatch.labels]. */
operator fun LabeledBatch.component2(): IntArray = labels()
